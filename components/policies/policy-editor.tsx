"use client";

import { type FormEvent, startTransition, useActionState, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { describedBy, FieldError, FieldHint } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import type { ActionState, FormAction } from "@/lib/http/authed-action";
import type { PolicyDetailDto, SimulationDto } from "@/lib/policies";
import { diffLines } from "@/lib/policies/diff";
import { PolicyDiff } from "./policy-diff";

type Option = { id: string; label: string };

/**
 * Edit the policy as YAML (or JSON): the diff against the active version updates as you type, "Simulate"
 * judges the draft for a request without saving, and "Propose" stores it as a pending change that another
 * admin must approve.
 */
export function PolicyEditor({
  activeYaml,
  targets,
  templates,
  proposeAction,
  simulateAction,
}: {
  activeYaml: string;
  targets: Option[];
  templates: Option[];
  proposeAction: FormAction<PolicyDetailDto>;
  simulateAction: FormAction<SimulationDto>;
}) {
  const [text, setText] = useState(activeYaml);
  const diff = useMemo(() => diffLines(activeYaml, text), [activeYaml, text]);
  const [proposed, propose, proposing] = useActionState(proposeAction, null as ActionState<PolicyDetailDto>);
  const [sim, simulate, simulating] = useActionState(simulateAction, null as ActionState<SimulationDto>);
  const error = proposed && !proposed.ok ? proposed.error : sim && !sim.ok ? sim.error : null;
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter;
    const data = new FormData(e.currentTarget);
    startTransition(() => (submitter?.dataset.simulate ? simulate(data) : propose(data)));
  };
  const changed = diff.some((l) => l.op !== " ");
  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Policy editor">
      <div>
        <label htmlFor="policy-text" className="font-medium">
          Policy document (YAML or JSON)
        </label>
        <Textarea
          id="policy-text"
          name="text"
          rows={18}
          spellCheck={false}
          className="font-mono text-sm"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-describedby={describedBy("policy-text", { hint: true, error: !!error })}
        />
        <FieldHint id="policy-text">
          Rules match on targets, tags, environments, clouds, templates, risk and requester groups; see
          docs/approvals.md.
        </FieldHint>
        <FieldError id="policy-text" message={error ? error.message : null} />
      </div>
      <section aria-label="Changes against the active version">
        <h3 className="mb-1 font-medium">Changes against the active version</h3>
        {changed ? <PolicyDiff lines={diff} /> : <p className="text-sm text-muted-foreground">No changes.</p>}
      </section>

      <fieldset className="space-y-3 rounded border border-border p-3">
        <legend className="px-1 font-medium">Simulate a request under this draft</legend>
        <div>
          <label htmlFor="sim-targets">Targets</label>
          <Select id="sim-targets" name="targetIds" multiple size={Math.min(5, targets.length)}>
            {targets.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </Select>
        </div>
        <div>
          <label htmlFor="sim-template">Template</label>
          <Select id="sim-template" name="templateKey" defaultValue="">
            <option value="">(explicit permissions, high risk)</option>
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </Select>
        </div>
        <div>
          <label htmlFor="sim-requester">Requester email (optional)</label>
          <Input id="sim-requester" name="requesterEmail" type="email" autoComplete="off" />
        </div>
        <Button type="submit" variant="secondary" data-simulate="1" disabled={simulating}>
          Simulate
        </Button>
        {sim?.ok ? <SimulationResult sim={sim.data} /> : null}
      </fieldset>

      <div>
        <label htmlFor="policy-comment">Why this change</label>
        <Input id="policy-comment" name="comment" maxLength={2000} />
      </div>
      <Button type="submit" disabled={proposing || !changed}>
        Propose change
      </Button>
      {proposed?.ok ? (
        <p role="status" className="text-sm">
          Proposed: another admin must approve it before it applies.
        </p>
      ) : null}
    </form>
  );
}

function SimulationResult({ sim }: { sim: SimulationDto }) {
  return (
    <div role="status" aria-label="Simulation result" className="space-y-1 text-sm">
      <p>
        <strong>{sim.allowed ? "Allowed" : "Refused"}</strong>
        {sim.denyReasons.length ? `: ${sim.denyReasons.join("; ")}` : ""}. Matched rules:{" "}
        {sim.ruleIds.length ? sim.ruleIds.join(", ") : "none (defaults)"}.
      </p>
      <p>
        Approvals required: {sim.decision.approvalsRequired}, from{" "}
        {sim.approvers
          .map((a) => `${a.group} (${a.members.map((m) => m.name ?? m.email).join(", ") || "nobody"})`)
          .join(" and ")}
        . Max duration: {Math.floor(sim.decision.maxDurationSeconds / 60)} minutes.
      </p>
      <p>
        Automatic:{" "}
        {sim.automatic
          ? `yes (${sim.automatic.conditions.join(", ")}; rule ${sim.automatic.ruleIds.join(", ")})`
          : sim.decision.autoApprove
            ? "possible under conditions"
            : "no"}
        . Break-glass: {sim.breakGlassAllowed ? "allowed" : "not allowed"}. Step-up:{" "}
        {sim.decision.stepUp ? "yes" : "no"}.
      </p>
      <p>
        May request:{" "}
        {sim.requesterGroups
          .filter((g) => g.allowed)
          .map((g) => g.group)
          .join(", ") || "nobody"}
        .
      </p>
    </div>
  );
}
