"use client";

import { useActionState, useState } from "react";
import { type FormState, submitRequestAction } from "@/app/requests/actions";
import { Button } from "@/components/ui/button";

type Option = { id: string; label: string };
type TemplateOption = Option & { description: string; risk: string; placeholders: string[] };

const input =
  "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-indigo-600";

function FieldError({ state, field }: { state: FormState; field: string }) {
  if (!state || state.ok || state.error.field !== field) return null;
  return (
    <p id={`${field}-error`} role="alert" className="mt-1 text-sm text-red-700">
      {state.error.message}
    </p>
  );
}

export function NewRequestForm({
  targets,
  templates,
  maxMinutes,
  approverGroup,
  approvalsRequired,
}: {
  targets: Option[];
  templates: TemplateOption[];
  maxMinutes: number;
  approverGroup: string;
  approvalsRequired: number;
}) {
  const [state, action, pending] = useActionState<FormState, FormData>(submitRequestAction, null);
  const [templateId, setTemplateId] = useState(templates[0]?.id ?? "");
  const template = templates.find((t) => t.id === templateId);
  const invalid = (f: string) => (state && !state.ok && state.error.field === f ? true : undefined);

  return (
    <form action={action} className="space-y-5" aria-busy={pending} noValidate>
      <div>
        <label htmlFor="targetId" className="block text-sm font-medium">
          Target
        </label>
        <select id="targetId" name="targetId" className={input} aria-invalid={invalid("targetId")}>
          {targets.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </select>
        <FieldError state={state} field="targetId" />
      </div>
      <div>
        <label htmlFor="templateId" className="block text-sm font-medium">
          What do you need to do?
        </label>
        <select
          id="templateId"
          name="templateId"
          className={input}
          value={templateId}
          onChange={(e) => setTemplateId(e.target.value)}
          aria-describedby="template-help"
        >
          {templates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </select>
        <p id="template-help" className="mt-1 text-sm text-slate-600">
          {template ? `${template.description} Risk: ${template.risk}.` : null}
        </p>
      </div>
      <div>
        <label htmlFor="resource" className="block text-sm font-medium">
          Resource (optional{template?.placeholders.length ? `: ${template.placeholders.join(", ")}` : ""})
        </label>
        <input id="resource" name="resource" className={input} aria-invalid={invalid("resource")} />
        <FieldError state={state} field="resource" />
      </div>
      <div>
        <label htmlFor="durationMinutes" className="block text-sm font-medium">
          Duration (minutes)
        </label>
        <input
          id="durationMinutes"
          name="durationMinutes"
          type="number"
          min={1}
          max={maxMinutes}
          defaultValue={60}
          className={input}
          aria-invalid={invalid("durationMinutes")}
          aria-describedby="duration-help"
        />
        <p id="duration-help" className="mt-1 text-sm text-slate-600">
          At most {maxMinutes} minutes under the current policy.
        </p>
        <FieldError state={state} field="durationMinutes" />
      </div>
      <div>
        <label htmlFor="justification" className="block text-sm font-medium">
          Justification
        </label>
        <textarea
          id="justification"
          name="justification"
          rows={3}
          className={input}
          aria-invalid={invalid("justification")}
        />
        <FieldError state={state} field="justification" />
      </div>
      <div>
        <label htmlFor="ticketUrl" className="block text-sm font-medium">
          Ticket link (optional)
        </label>
        <input
          id="ticketUrl"
          name="ticketUrl"
          type="url"
          className={input}
          aria-invalid={invalid("ticketUrl")}
        />
        <FieldError state={state} field="ticketUrl" />
      </div>
      <p className="rounded-md bg-slate-50 p-3 text-sm text-slate-700">
        {approvalsRequired} approval{approvalsRequired > 1 ? "s" : ""} needed from the{" "}
        <strong>{approverGroup}</strong> group. Access starts as soon as it is approved and is removed
        automatically when the time is up.
      </p>
      {state && !state.ok && !state.error.field ? (
        <p role="alert" className="text-sm text-red-700">
          {state.error.message}
        </p>
      ) : null}
      <Button type="submit" disabled={pending}>
        Submit request
      </Button>
    </form>
  );
}
