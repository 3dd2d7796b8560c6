"use client";

import { type FormEvent, startTransition, useActionState } from "react";
import { Button } from "@/components/ui/button";
import { describedBy, FieldError, FieldHint } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { CLOUDS as CLOUD_LIST, type Cloud, type CloudPermissions, permissionsOn } from "@/lib/clouds/kinds";
import type { ActionState, FormAction } from "@/lib/http/authed-action";
import type { SavedTemplateDto, TemplatePreviews } from "@/lib/templates";
import { RolePreview } from "./role-preview";

type PreviewState = ActionState<TemplatePreviews>;

export type TemplateFormValues = {
  key: string;
  version: number;
  name: string;
  description: string;
  risk: "low" | "medium" | "high";
  placeholders: string[];
  permissions: CloudPermissions;
};

const FIELDS: Record<Cloud, { label: string; example: string }> = {
  aws: { label: "AWS actions", example: "ec2:DescribeInstances, s3:Get*" },
  gcp: { label: "Google Cloud permissions", example: "compute.instances.get" },
  azure: { label: "Azure operations", example: "Microsoft.Compute/virtualMachines/read" },
  kubernetes: {
    label: "Kubernetes RBAC rules (group/resource:verb)",
    example: "apps/deployments:patch, core/pods/log:get",
  },
  okta: { label: "Okta admin permissions", example: "okta.users.credentials.resetPassword, okta.users.read" },
};
const CLOUDS = CLOUD_LIST.map((id) => ({ id, ...FIELDS[id] }));

/**
 * Create or edit a template. Saving an edit stores a new version; "Preview" shows the documents the
 * unsaved permissions would produce. Server errors name the field and are shown next to it.
 */
export function TemplateForm<Saved extends SavedTemplateDto & { changed?: boolean }>({
  mode,
  initial,
  resourceKinds,
  action,
  previewAction,
}: {
  mode: "create" | "edit";
  initial?: TemplateFormValues;
  resourceKinds: readonly string[];
  action: FormAction<Saved>;
  previewAction: FormAction<TemplatePreviews>;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const [preview, previewFormAction, previewing] = useActionState(previewAction, null);
  const error = state && !state.ok ? state.error : null;
  const errorFor = (field: string) =>
    error && (error.field === field || error.field?.startsWith(`${field}.`)) ? error.message : null;
  const general =
    error && !["key", "name", "description", "risk", "placeholders", "permissions"].some((f) => errorFor(f));
  // Dispatch by hand: a form `action` resets every field afterwards, which would throw away edits on an error.
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter;
    const data = new FormData(e.currentTarget);
    startTransition(() => (submitter?.dataset.preview ? previewFormAction(data) : formAction(data)));
  };
  const saved = state?.ok ? state.data : null;

  return (
    <form
      onSubmit={onSubmit}
      aria-label={mode === "create" ? "New template" : "Edit template"}
      aria-busy={pending}
      className="space-y-5"
    >
      {mode === "edit" && initial ? (
        <>
          <input type="hidden" name="key" value={initial.key} />
          <input type="hidden" name="expectedVersion" value={saved?.version ?? initial.version} />
        </>
      ) : (
        <div>
          <label htmlFor="tpl-key" className="block text-sm font-medium">
            Key
          </label>
          <Input
            id="tpl-key"
            name="key"
            required
            maxLength={64}
            placeholder="vm.ssh"
            aria-invalid={!!errorFor("key") || undefined}
            aria-describedby={describedBy("tpl-key", { hint: true, error: !!errorFor("key") })}
          />
          <FieldHint id="tpl-key">Dotted lowercase words; it cannot change later.</FieldHint>
          <FieldError id="tpl-key" message={errorFor("key")} />
        </div>
      )}
      <TextField
        id="tpl-name"
        name="name"
        label="Name"
        defaultValue={initial?.name}
        error={errorFor("name")}
      />
      <div>
        <label htmlFor="tpl-description" className="block text-sm font-medium">
          Description
        </label>
        <Textarea
          id="tpl-description"
          name="description"
          required
          rows={2}
          maxLength={1000}
          defaultValue={initial?.description}
          aria-invalid={!!errorFor("description") || undefined}
          aria-describedby={describedBy("tpl-description", { error: !!errorFor("description") })}
        />
        <FieldError id="tpl-description" message={errorFor("description")} />
      </div>
      <div className="flex flex-wrap gap-6">
        <div className="w-44">
          <label htmlFor="tpl-risk" className="block text-sm font-medium">
            Risk
          </label>
          <Select
            id="tpl-risk"
            name="risk"
            defaultValue={initial?.risk ?? "medium"}
            aria-describedby={describedBy("tpl-risk", { error: !!errorFor("risk") })}
          >
            <option value="low">Low</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
          </Select>
          <FieldError id="tpl-risk" message={errorFor("risk")} />
        </div>
        <fieldset
          aria-describedby={describedBy("tpl-placeholders", {
            hint: true,
            error: !!errorFor("placeholders"),
          })}
        >
          <legend className="text-sm font-medium">Resource placeholders</legend>
          <div className="mt-1 flex flex-wrap gap-3">
            {resourceKinds.map((k) => (
              <label key={k} className="flex items-center gap-1.5 text-sm">
                <input
                  type="checkbox"
                  name="placeholders"
                  value={k}
                  defaultChecked={initial?.placeholders.includes(k)}
                />
                {`{${k}}`}
              </label>
            ))}
          </div>
          <FieldHint id="tpl-placeholders">
            What the requester names to narrow the scope (the first one is used).
          </FieldHint>
          <FieldError id="tpl-placeholders" message={errorFor("placeholders")} />
        </fieldset>
      </div>
      <div className="grid gap-4 md:grid-cols-3">
        {CLOUDS.map((c) => {
          const id = `tpl-${c.id}`;
          const message =
            errorFor(`permissions.${c.id}`) ?? (error?.field === "permissions" ? error.message : null);
          return (
            <div key={c.id}>
              <label htmlFor={id} className="block text-sm font-medium">
                {c.label}
              </label>
              <Textarea
                id={id}
                name={c.id}
                rows={8}
                className="font-mono text-xs"
                defaultValue={initial ? permissionsOn(initial.permissions, c.id).join("\n") : undefined}
                placeholder={c.example}
                aria-invalid={!!message || undefined}
                aria-describedby={describedBy(id, { hint: true, error: !!message })}
              />
              <FieldHint id={id}>One per line; * and ? wildcards are expanded and stored expanded.</FieldHint>
              <FieldError id={id} message={message} />
            </div>
          );
        })}
      </div>
      {general ? (
        <p role="alert" className="text-sm font-medium text-destructive" data-testid="form-error">
          {error.message}
        </p>
      ) : null}
      {saved ? (
        <p role="status" className="text-sm">
          {saved.changed === false
            ? "Nothing changed; no new version saved."
            : `Saved as version ${saved.version}.`}
        </p>
      ) : null}
      <div className="flex gap-3">
        <Button type="submit" disabled={pending}>
          {mode === "create" ? "Create template" : "Save new version"}
        </Button>
        <Button type="submit" variant="secondary" data-preview="1" disabled={previewing}>
          Preview documents
        </Button>
      </div>
      <PreviewResult state={preview} />
    </form>
  );
}

function TextField(props: {
  id: string;
  name: string;
  label: string;
  defaultValue?: string;
  error: string | null;
}) {
  return (
    <div>
      <label htmlFor={props.id} className="block text-sm font-medium">
        {props.label}
      </label>
      <Input
        id={props.id}
        name={props.name}
        required
        maxLength={100}
        defaultValue={props.defaultValue}
        aria-invalid={!!props.error || undefined}
        aria-describedby={describedBy(props.id, { error: !!props.error })}
      />
      <FieldError id={props.id} message={props.error} />
    </div>
  );
}

function PreviewResult({ state }: { state: PreviewState }) {
  if (!state) return null;
  if (!state.ok)
    return (
      <p role="alert" className="text-sm font-medium text-destructive">
        {state.error.message}
      </p>
    );
  const entries = CLOUDS.flatMap(({ id }) => {
    const preview = state.data[id];
    return preview ? [[id, preview] as const] : [];
  });
  return (
    <section aria-label="Preview of unsaved changes" className="space-y-6 border-t border-border pt-4">
      {entries.length === 0 ? (
        <p className="text-sm text-muted-foreground">No permissions to preview.</p>
      ) : null}
      {entries.map(([cloud, p]) =>
        "error" in p ? (
          <p key={cloud} role="alert" className="text-sm font-medium text-destructive">
            {cloud}: {p.error}
          </p>
        ) : (
          <RolePreview key={cloud} preview={p} idPrefix="form-preview" />
        ),
      )}
    </section>
  );
}
