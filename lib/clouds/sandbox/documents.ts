import type { Cloud } from "@/db/schema";
import { gcpBindingExpression } from "@/lib/catalog/gcp-conditions";
import { k8sPermissionName } from "@/lib/catalog/kubernetes-names";

/** The permissions a stored role document grants, read the way each cloud reads its own document. */
export function permissionsOf(cloud: Cloud, document: Record<string, unknown>): string[] {
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
  const records = (v: unknown): Record<string, unknown>[] =>
    Array.isArray(v)
      ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null)
      : [];
  switch (cloud) {
    case "aws":
      return records(document.Statement)
        .filter((s) => s.Effect === "Allow")
        .flatMap((s) => strings(s.Action));
    case "gcp":
      return strings(document.includedPermissions);
    case "azure":
      return records(document.permissions).flatMap((p) => strings(p.actions));
    case "kubernetes":
      return records(document.rules).flatMap((r) =>
        strings(r.apiGroups).flatMap((g) =>
          strings(r.resources).flatMap((res) => strings(r.verbs).map((v) => k8sPermissionName(g, res, v))),
        ),
      );
    case "okta":
      return strings(document.permissions);
  }
}

/** AWS action globs (`s3:Get*`) match case-insensitively; GCP and Azure names match exactly (Azure: any case). */
export function permissionMatches(cloud: Cloud, granted: string, wanted: string): boolean {
  if (cloud === "gcp" || cloud === "kubernetes" || cloud === "okta") return granted === wanted;
  if (!granted.includes("*") && !granted.includes("?")) return granted.toLowerCase() === wanted.toLowerCase();
  const pattern = granted
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${pattern}$`, "i").test(wanted);
}

/**
 * The cloud-native document a real cloud would hold for this binding, with its expiry condition: shown to
 * people (dry runs, evidence), never parsed back. Built from typed values only.
 */
export function bindingDocument(
  cloud: Cloud,
  b: {
    bindingId: string;
    roleName: string;
    principal: string;
    notAfter: Date;
    externalId: string;
    tags?: Record<string, string>;
  },
): Record<string, unknown> {
  const expiry = b.notAfter.toISOString();
  const condition = b.tags?.["elevate:condition"];
  switch (cloud) {
    case "aws":
      return {
        PolicyName: b.bindingId,
        UserName: b.principal,
        PolicyArn: `arn:aws:iam::${b.externalId}:policy/elevate/${b.roleName}`,
        Condition: { DateLessThan: { "aws:CurrentTime": expiry } },
      };
    case "gcp":
      return {
        role: `projects/${b.externalId}/roles/${b.roleName}`,
        members: [`user:${b.principal}`],
        condition: { title: b.bindingId, expression: gcpBindingExpression(b.notAfter, condition) },
      };
    case "azure":
      return {
        scope: b.tags?.["elevate:scope"] ?? `/subscriptions/${b.externalId}`,
        principal: b.principal,
        roleName: b.roleName,
        scheduleInfo: { expiration: { type: "AfterDateTime", endDateTime: expiry } },
      };
    case "kubernetes": {
      // RBAC bindings carry no expiry: Elevate removes them; the expiry is on the token (docs/kubernetes.md).
      const namespace = b.tags?.["elevate:scope"];
      return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: namespace ? "RoleBinding" : "ClusterRoleBinding",
        metadata: {
          name: b.bindingId,
          ...(namespace ? { namespace } : {}),
          annotations: { "elevate.dev/not-after": expiry },
        },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: namespace ? "Role" : "ClusterRole",
          name: b.roleName,
        },
        subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: b.principal }],
      };
    }
    case "okta": {
      // Okta assignments carry no expiry: the grant's resource set records it, Elevate removes both (docs/okta.md).
      const resources = (b.tags?.["elevate:scope"] ?? "").split(" ").filter(Boolean);
      return {
        resourceSet: {
          label: b.bindingId,
          description: `Elevate grant; role ${b.roleName}; not after ${expiry}`,
          resources: resources.map((p) => `https://${b.externalId}${p}`),
        },
        roleAssignment: { user: b.principal, type: "CUSTOM", role: b.roleName, "resource-set": b.bindingId },
      };
    }
  }
}
