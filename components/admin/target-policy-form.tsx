import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { FormAction } from "@/lib/http/authed-action";
import type { TargetPolicyFieldsDto } from "@/lib/targets/dto";
import { AdminActionForm } from "./admin-action-form";

/**
 * What approval-policy rules match on for one target (docs/approvals.md): its tags, its environment and the
 * PagerDuty service whose on-call person a rule may auto-approve. Owners have their own form.
 */
export function TargetPolicyForm<T>({
  action,
  target,
}: {
  action: FormAction<T>;
  target: { id: string; name: string; policy: TargetPolicyFieldsDto };
}) {
  const id = (f: string) => `policy-${target.id}-${f}`;
  return (
    <AdminActionForm
      action={action}
      label={`Policy fields of ${target.name}`}
      className="grid gap-2 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-end"
      success="Saved."
    >
      <input type="hidden" name="targetId" value={target.id} />
      <div>
        <Label htmlFor={id("tags")}>Tags (comma-separated)</Label>
        <Input
          id={id("tags")}
          name="tags"
          defaultValue={target.policy.tags.join(", ")}
          placeholder="pci, prod"
        />
      </div>
      <div>
        <Label htmlFor={id("environment")}>Environment</Label>
        <Input
          id={id("environment")}
          name="environment"
          defaultValue={target.policy.environment ?? ""}
          placeholder="production"
        />
      </div>
      <div>
        <Label htmlFor={id("oncall")}>PagerDuty service id</Label>
        <Input
          id={id("oncall")}
          name="oncallServiceId"
          defaultValue={target.policy.oncallServiceId ?? ""}
          placeholder="PABC123"
        />
      </div>
      <Button type="submit" variant="secondary" size="sm">
        Save policy fields
      </Button>
    </AdminActionForm>
  );
}
