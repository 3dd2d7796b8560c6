import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/input";
import type { FormAction } from "@/lib/http/authed-action";
import { AdminActionForm } from "./admin-action-form";

/**
 * Picks the owner group of a target or a template from the organization's groups (pushed by the directory
 * over SCIM, or seen in sign-in claims). `$owners` / `$templateOwners` in a policy route approvals to it.
 */
export function OwnerGroupForm<T>({
  action,
  label,
  hidden,
  current,
  groups,
}: {
  action: FormAction<T>;
  label: string;
  hidden: Record<string, string>;
  current: string | null;
  groups: string[];
}) {
  const options = current && !groups.includes(current) ? [current, ...groups] : groups;
  return (
    <AdminActionForm
      action={action}
      label={label}
      className="flex flex-wrap items-center gap-2"
      success="Saved."
    >
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Select name="ownerGroup" defaultValue={current ?? ""} aria-label={label} className="min-w-40">
        <option value="">no owners</option>
        {options.map((g) => (
          <option key={g} value={g}>
            {g}
          </option>
        ))}
      </Select>
      <Button type="submit" variant="secondary" size="sm">
        Save owners
      </Button>
    </AdminActionForm>
  );
}
