import { Button } from "@/components/ui/button";
import type { AppRole } from "@/db/schema";
import type { LocalRolesDto } from "@/lib/admin/set-local-roles";
import type { FormAction } from "@/lib/http/authed-action";
import { AdminActionForm } from "./admin-action-form";

const ROLES: AppRole[] = ["requester", "approver", "auditor", "admin"];

/** Local role checkboxes for one user; roles from IdP groups are shown beside them, not editable here. */
export function RoleForm({
  userId,
  userLabel,
  localRoles,
  action,
}: {
  userId: string;
  userLabel: string;
  localRoles: AppRole[];
  action: FormAction<LocalRolesDto>;
}) {
  return (
    <AdminActionForm
      action={action}
      label={`Local roles of ${userLabel}`}
      className="flex flex-wrap items-center gap-3"
      success="Saved."
    >
      <input type="hidden" name="userId" value={userId} />
      <fieldset className="flex flex-wrap gap-3">
        <legend className="sr-only">Local roles of {userLabel}</legend>
        {ROLES.map((role) => (
          <label key={role} className="flex items-center gap-1.5 text-sm">
            <input
              type="checkbox"
              name="roles"
              value={role}
              defaultChecked={localRoles.includes(role)}
              className="h-4 w-4 accent-primary focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
            />
            {role}
          </label>
        ))}
      </fieldset>
      <Button type="submit" variant="secondary" size="sm">
        Save roles
      </Button>
    </AdminActionForm>
  );
}
