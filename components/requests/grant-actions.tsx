"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState, useTransition } from "react";
import { cancelAction, extendGrantAction, giveBackGrantAction } from "@/app/requests/actions";
import { Button } from "@/components/ui/button";
import { describedBy, FieldError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Time } from "@/components/ui/time";
import { toast } from "@/components/ui/toast";
import type { ActionError } from "@/lib/http/authed-action";
import { useActionMutation } from "./use-action-mutation";

/** Ends the requester's own active grant now ("give back early"). */
export function GiveBackButton({ grantId, requestId }: { grantId: string; requestId: string }) {
  const m = useActionMutation(giveBackGrantAction, {
    success: "Access given back; removal has started",
    invalidate: [["home"], ["request", requestId]],
  });
  return (
    <Button variant="secondary" size="sm" disabled={m.isPending} onClick={() => m.mutate({ grantId })}>
      {m.isPending ? "Giving back…" : "Give back early"}
    </Button>
  );
}

/** Withdraws the requester's own pending request. */
export function CancelRequestButton({ requestId }: { requestId: string }) {
  const m = useActionMutation(cancelAction, {
    success: "Request cancelled",
    invalidate: [["home"], ["request", requestId]],
  });
  return (
    <Button variant="secondary" size="sm" disabled={m.isPending} onClick={() => m.mutate({ requestId })}>
      {m.isPending ? "Cancelling…" : "Cancel request"}
    </Button>
  );
}

const EXTEND_PRESETS = [15, 30, 60] as const;

/**
 * Asks for more time on the requester's own active grant: minutes (presets or any whole number) and a reason.
 * Shows the expiry the grant would get; the server's error appears under the field it names.
 */
export function ExtendGrantForm({
  grantId,
  requestId,
  expiresAt,
}: {
  grantId: string;
  requestId: string;
  expiresAt: string;
}) {
  const client = useQueryClient();
  const router = useRouter();
  const [minutes, setMinutes] = useState("30");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<ActionError | null>(null);
  const [pending, startTransition] = useTransition();
  const id = `extend-${grantId}`;
  const n = Number(minutes);
  const preview =
    minutes.trim() !== "" && Number.isInteger(n) && n > 0
      ? new Date(new Date(expiresAt).getTime() + n * 60_000)
      : null;
  const fieldError = (f: "minutes" | "reason") => (error?.field === f ? error.message : null);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    startTransition(async () => {
      // The expiry shown is sent along: a second click on the same view answers Conflict, not a second hour.
      const result = await extendGrantAction({ grantId, minutes, reason, currentExpiresAt: expiresAt });
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setError(null);
      setReason("");
      // Past the policy's automatic limit the extension goes to the request's approvers instead.
      toast(
        result.data.extensionRequestId
          ? {
              tone: "success",
              title: "Extension sent for approval",
              description: `Your approvers decide on ${minutes} more minutes; access stays until ${formatUtc(expiresAt)} meanwhile.`,
            }
          : {
              tone: "success",
              title: "Access extended",
              description: result.data.expiresAt
                ? `Now until ${formatUtc(result.data.expiresAt)}`
                : undefined,
            },
      );
      await Promise.all([
        client.invalidateQueries({ queryKey: ["home"] }),
        client.invalidateQueries({ queryKey: ["request", requestId] }),
      ]);
      router.refresh();
    });
  };

  return (
    <form onSubmit={submit} aria-label="Extend access" aria-busy={pending} className="space-y-3" noValidate>
      <div>
        <Label htmlFor={`${id}-minutes`}>Extend by (minutes)</Label>
        <div className="mt-1 flex flex-wrap items-center gap-2">
          <Input
            id={`${id}-minutes`}
            name="minutes"
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
            className="w-28"
            aria-invalid={fieldError("minutes") ? true : undefined}
            aria-describedby={describedBy(`${id}-minutes`, {
              hint: true,
              error: Boolean(fieldError("minutes")),
            })}
          />
          <fieldset className="flex flex-wrap gap-1">
            <legend className="sr-only">Common extensions</legend>
            {EXTEND_PRESETS.map((p) => (
              <Button
                key={p}
                size="sm"
                variant={minutes === String(p) ? "primary" : "secondary"}
                aria-pressed={minutes === String(p)}
                onClick={() => setMinutes(String(p))}
              >
                {p} min
              </Button>
            ))}
          </fieldset>
        </div>
        <p id={`${id}-minutes-hint`} className="mt-1 text-sm text-muted-foreground" aria-live="polite">
          {preview ? (
            <>
              New expiry <Time value={preview} />, within the policy&apos;s maximum duration. Past its
              automatic limit, your approvers decide.
            </>
          ) : (
            "A whole number of minutes."
          )}
        </p>
        <FieldError id={`${id}-minutes`} message={fieldError("minutes")} />
      </div>
      <div>
        <Label htmlFor={`${id}-reason`}>Reason</Label>
        <Input
          id={`${id}-reason`}
          name="reason"
          value={reason}
          maxLength={500}
          onChange={(e) => setReason(e.target.value)}
          className="mt-1"
          aria-invalid={fieldError("reason") ? true : undefined}
          aria-describedby={describedBy(`${id}-reason`, { error: Boolean(fieldError("reason")) })}
        />
        <FieldError id={`${id}-reason`} message={fieldError("reason")} />
      </div>
      {error && error.field !== "minutes" && error.field !== "reason" ? (
        <FieldError id={`${id}-form`} message={error.message} />
      ) : null}
      <Button type="submit" size="sm" disabled={pending}>
        {pending ? "Extending…" : "Extend"}
      </Button>
    </form>
  );
}

const formatUtc = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
