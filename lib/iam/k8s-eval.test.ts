import { describe, expect, it } from "vitest";
import { evaluateK8s, type K8sGrant } from "./k8s-eval";

/** Cases from https://kubernetes.io/docs/reference/access-authn-authz/rbac/ (and counterexamples kept). */
const T = new Date("2026-12-02T10:00:00Z");
const grant = (rules: K8sGrant["rules"], bindingNamespace: string | null = "shop"): K8sGrant => ({
  rules,
  bindingNamespace,
  notAfter: new Date("2026-12-02T11:00:00Z"),
});
const req = (over: Partial<Parameters<typeof evaluateK8s>[1]> = {}) => ({
  verb: "get",
  apiGroup: "",
  resource: "pods",
  namespace: "shop",
  time: T,
  ...over,
});

describe("evaluateK8s", () => {
  it("the docs' pod-reader: get/watch/list pods in its namespace only", () => {
    const g = grant([{ apiGroups: [""], resources: ["pods"], verbs: ["get", "watch", "list"] }]);
    expect(evaluateK8s(g, req()).decision).toBe("allow");
    expect(evaluateK8s(g, req({ namespace: "billing" })).decision).toBe("deny");
    expect(evaluateK8s(g, req({ verb: "delete" })).decision).toBe("deny");
    expect(evaluateK8s(g, req({ subresource: "log" })).decision).toBe("deny");
  });

  it("subresources are named pods/log; resourceNames needs a named request", () => {
    const g = grant([{ apiGroups: [""], resources: ["pods/log"], verbs: ["get"], resourceNames: ["web"] }]);
    expect(evaluateK8s(g, req({ subresource: "log", name: "web" })).decision).toBe("allow");
    expect(evaluateK8s(g, req({ subresource: "log", name: "api" })).decision).toBe("deny");
    expect(evaluateK8s(g, req({ subresource: "log" })).decision).toBe("deny");
  });

  it("counterexample kept: */log matches any resource's log subresource (fake SubjectAccessReview agrees)", () => {
    const g = grant([{ apiGroups: [""], resources: ["*/log"], verbs: ["*"] }], null);
    expect(evaluateK8s(g, req({ subresource: "log" })).decision).toBe("allow");
    expect(evaluateK8s(g, req()).decision).toBe("deny");
  });

  it("a ClusterRoleBinding reaches every namespace; nothing after the token's expiry or once unbound", () => {
    const g = grant([{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }], null);
    expect(evaluateK8s(g, req({ namespace: "billing" })).decision).toBe("allow");
    expect(evaluateK8s(g, req({ time: new Date("2026-12-02T11:00:00Z") })).decision).toBe("deny");
    expect(evaluateK8s({ ...g, bound: false }, req()).decision).toBe("deny");
  });
});
