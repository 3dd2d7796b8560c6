"use client";

import { useActionState, useEffect, useMemo, useState } from "react";
import { submitRequestAction } from "@/app/requests/actions";
import { Button } from "@/components/ui/button";
import { describedBy, FieldError } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { splitPermissionLines } from "@/lib/requests/permission-lines";
import { AccessChoice, type AccessMode, type TemplateOption } from "./access-choice";
import { DurationField } from "./duration-field";
import { RequestPreview } from "./request-preview";
import { ResourceField, type ResourceFormats } from "./resource-field";
import { SUBMITTED_FLAG } from "./submitted-flag";
import { filterTargets, type TargetOption, TargetPicker } from "./target-picker";

export type { TemplateOption };

/**
 * The request form. Every field is controlled so a failed submission keeps what was typed (React resets
 * uncontrolled fields after a form action); the server's error is shown under the field it names.
 */
export function NewRequestForm({
  targets,
  templates,
  maxMinutes,
  justificationRequired,
  resourceFormats,
}: {
  targets: TargetOption[];
  templates: TemplateOption[];
  maxMinutes: number;
  justificationRequired: boolean;
  resourceFormats: ResourceFormats;
}) {
  const [state, action, pending] = useActionState(submitRequestAction, null);
  const [query, setQuery] = useState("");
  const [cloud, setCloud] = useState("");
  const shown = useMemo(() => filterTargets(targets, query, cloud), [targets, query, cloud]);
  const [picked, setPicked] = useState(targets[0]?.id ?? "");
  // A filter that hides the picked target moves the choice to the first one shown.
  const targetId = shown.some((t) => t.id === picked) ? picked : (shown[0]?.id ?? "");
  const [mode, setMode] = useState<AccessMode>("template");
  const [chosenTemplate, setTemplateId] = useState(templates[0]?.id ?? "");
  const [permissions, setPermissions] = useState("");
  const [resource, setResource] = useState("");
  const [resourceKind, setResourceKind] = useState("");
  const [duration, setDuration] = useState(String(Math.min(60, maxMinutes)));
  const [justification, setJustification] = useState("");
  const [ticketUrl, setTicketUrl] = useState("");
  const cloud_ = targets.find((t) => t.id === targetId)?.cloud;
  // A template with nothing for the target's cloud could only fail: offer the others.
  const offered = templates.filter((t) => !t.clouds || !cloud_ || t.clouds.includes(cloud_));
  const templateId = offered.some((t) => t.id === chosenTemplate) ? chosenTemplate : (offered[0]?.id ?? "");
  const template = mode === "template" ? offered.find((t) => t.id === templateId) : undefined;
  const err = (f: string) =>
    state && !state.ok && state.error.field === f ? state.error.message : undefined;
  const invalid = (f: string) => (err(f) ? true : undefined);
  useEffect(() => {
    if (state && !state.ok) sessionStorage.removeItem(SUBMITTED_FLAG);
  }, [state]);

  return (
    <form
      action={action}
      onSubmit={() => sessionStorage.setItem(SUBMITTED_FLAG, "1")}
      className="space-y-6"
      aria-busy={pending}
      noValidate
      aria-label="New access request"
    >
      <TargetPicker
        targets={shown}
        value={targetId}
        onChange={setPicked}
        query={query}
        onQuery={setQuery}
        cloud={cloud}
        onCloud={setCloud}
        error={err("targetId")}
      />

      {mode === "template" && targets.length > 1 ? (
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">
            Also on these targets (same template, one grant each)
          </legend>
          {targets
            .filter((t) => t.id !== targetId)
            .map((t) => (
              <label key={t.id} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="alsoTargetIds" value={t.id} />
                {t.name} ({t.cloud})
              </label>
            ))}
          <FieldError id="targetIds" message={err("targetIds")} />
        </fieldset>
      ) : null}

      <AccessChoice
        mode={mode}
        onMode={setMode}
        templates={offered}
        templateId={templateId}
        onTemplate={setTemplateId}
        permissions={permissions}
        onPermissions={setPermissions}
        cloud={cloud_}
        error={err}
      />

      <ResourceField
        cloud={cloud_}
        formats={resourceFormats}
        templateKind={template?.placeholders[0]}
        explicit={mode === "permissions"}
        kind={resourceKind}
        onKind={setResourceKind}
        value={resource}
        onChange={setResource}
        error={err}
      />

      <DurationField
        value={duration}
        onChange={setDuration}
        maxMinutes={maxMinutes}
        error={err("durationMinutes")}
      />

      <div>
        <Label htmlFor="justification">Justification</Label>
        <Textarea
          id="justification"
          name="justification"
          rows={3}
          className="mt-1"
          value={justification}
          onChange={(e) => setJustification(e.target.value)}
          aria-required={justificationRequired}
          aria-invalid={invalid("justification")}
          aria-describedby={describedBy("justification", {
            hint: true,
            error: Boolean(err("justification")),
          })}
        />
        <p id="justification-hint" className="mt-1 text-sm text-muted-foreground">
          {justificationRequired ? "Required. " : ""}What you will do and why; approvers read this first.
        </p>
        <FieldError id="justification" message={err("justification")} />
      </div>

      <div>
        <Label htmlFor="ticketUrl">Ticket link (optional)</Label>
        <Input
          id="ticketUrl"
          name="ticketUrl"
          type="url"
          className="mt-1"
          value={ticketUrl}
          onChange={(e) => setTicketUrl(e.target.value)}
          placeholder="https://…"
          aria-invalid={invalid("ticketUrl")}
          aria-describedby={describedBy("ticketUrl", { error: Boolean(err("ticketUrl")) })}
        />
        <FieldError id="ticketUrl" message={err("ticketUrl")} />
      </div>

      <div>
        <label className="flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" name="breakGlass" value="on" aria-describedby="breakGlass-hint" />
          Break glass: emergency access now, without waiting for approval
        </label>
        <p id="breakGlass-hint" className="mt-1 text-sm text-muted-foreground">
          Only where the approval policy allows it, for its shorter maximum: the grant starts at once, admins
          are alerted, and an admin must review it afterwards.
        </p>
        <FieldError id="breakGlass" message={err("breakGlass")} />
      </div>

      <RequestPreview
        params={{
          targetId,
          templateId,
          ...(mode === "permissions" ? { permissions: splitPermissionLines(permissions), resourceKind } : {}),
          resource: mode === "permissions" || template?.placeholders[0] ? resource.trim() : "",
          durationMinutes: duration.trim() === "" ? Number.NaN : Number(duration),
        }}
      />

      {state && !state.ok && !state.error.field ? (
        <p role="alert" className="text-sm font-medium text-destructive" data-testid="form-error">
          {state.error.message}
        </p>
      ) : null}
      <Button type="submit" disabled={pending}>
        {pending ? "Submitting…" : "Submit request"}
      </Button>
    </form>
  );
}
