import type { RoleSpec } from "@/db/schema";
import type { BindingSpec } from "@/lib/clouds/port";

/**
 * The binding a grant asks the cloud for, at provisioning and on every extension: its expiry plus the
 * resource narrowing built with the role (GCP condition, Azure scope), the text the approver saw.
 */
export function bindingSpecFor(
  g: { id: string; orgId: string; roleSpec: RoleSpec },
  roleName: string,
  principal: string,
  notAfter: Date,
): BindingSpec {
  const b = g.roleSpec.binding;
  return {
    grantId: g.id,
    orgId: g.orgId,
    roleName,
    principal,
    notAfter,
    ...(b?.resourceCondition ? { condition: b.resourceCondition } : {}),
    ...(b?.scope ? { scope: b.scope } : {}),
  };
}
