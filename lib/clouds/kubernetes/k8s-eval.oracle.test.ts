import { AuthorizationV1Api, KubeConfig } from "@kubernetes/client-node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeKubernetes, startFakeKubernetes } from "@/lib/clouds/fakes/kubernetes";
import { evaluateK8s, type RbacRule } from "@/lib/iam/k8s-eval";

/**
 * Elevate's RBAC evaluator against the fake API server's SubjectAccessReview (asked through the real
 * client): two implementations of the documented rules, written apart, must agree on random rules and
 * requests (fixed seed, lib/testing/fast-check-seed.ts).
 */
let fake: FakeKubernetes;
let authz: AuthorizationV1Api;
beforeAll(async () => {
  fake = await startFakeKubernetes();
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: "c", server: fake.url, caData: Buffer.from(fake.ca).toString("base64"), skipTLSVerify: false },
    ],
    users: [{ name: "u", token: fake.adminToken }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  authz = kc.makeApiClient(AuthorizationV1Api);
});
afterAll(() => fake?.stop());

const GROUPS = ["", "apps", "*"];
const RESOURCES = ["pods", "pods/log", "pods/exec", "deployments", "secrets", "*", "*/log"];
const VERBS = ["get", "list", "patch", "create", "*"];
const NAMES = ["web", "api"];
const NAMESPACES = ["shop", "billing"];

const rule = fc.record({
  apiGroups: fc.subarray(GROUPS, { minLength: 1 }),
  resources: fc.subarray(RESOURCES, { minLength: 1 }),
  verbs: fc.subarray(VERBS, { minLength: 1 }),
  resourceNames: fc.option(fc.subarray(NAMES, { minLength: 1 }), { nil: undefined }),
});
const request = fc.record({
  verb: fc.constantFrom("get", "list", "patch", "create"),
  apiGroup: fc.constantFrom("", "apps"),
  resource: fc.constantFrom("pods", "deployments", "secrets"),
  subresource: fc.option(fc.constantFrom("log", "exec"), { nil: undefined }),
  namespace: fc.constantFrom(...NAMESPACES),
  name: fc.option(fc.constantFrom(...NAMES, "other"), { nil: undefined }),
});

describe("lib/iam/k8s-eval.ts agrees with the fake's SubjectAccessReview", () => {
  it("on random rules, bindings (namespace or cluster) and requests", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(rule, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        request,
        async (rules, namespaced, req) => {
          const id = `p${n++}`;
          const rbac = (resource: string, namespace: string | null) => ({
            group: "rbac.authorization.k8s.io",
            resource,
            namespace,
          });
          const roleRef = {
            apiGroup: "rbac.authorization.k8s.io",
            kind: namespaced ? "Role" : "ClusterRole",
            name: id,
          };
          const subjects = [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: id }];
          if (namespaced) {
            fake.state.create(rbac("roles", "shop"), { metadata: { name: id }, rules });
            fake.state.create(rbac("rolebindings", "shop"), { metadata: { name: id }, roleRef, subjects });
          } else {
            fake.state.create(rbac("clusterroles", null), { metadata: { name: id }, rules });
            fake.state.create(rbac("clusterrolebindings", null), {
              metadata: { name: id },
              roleRef,
              subjects,
            });
          }
          const review = await authz.createSubjectAccessReview({
            body: {
              spec: {
                user: id,
                resourceAttributes: {
                  verb: req.verb,
                  group: req.apiGroup,
                  resource: req.resource,
                  subresource: req.subresource,
                  namespace: req.namespace,
                  name: req.name,
                },
              },
            },
          });
          const ours = evaluateK8s(
            { rules: rules as RbacRule[], bindingNamespace: namespaced ? "shop" : null, notAfter: null },
            { ...req, time: new Date() },
          );
          expect(ours.decision === "allow", JSON.stringify({ rules, namespaced, req })).toBe(
            review.status?.allowed === true,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
