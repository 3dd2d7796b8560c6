import type { HTMLAttributes } from "react";
import { cn } from "./cn";

export type BadgeTone = "neutral" | "info" | "success" | "warning" | "danger";

export function Badge({
  tone = "neutral",
  className,
  ...props
}: HTMLAttributes<HTMLSpanElement> & { tone?: BadgeTone }) {
  return (
    <span
      // .ui-badge and its tones live in app/globals.css (one class each instead of a dozen utilities).
      className={cn("ui-badge", `ui-badge-${tone}`, className)}
      {...props}
    />
  );
}

const STATUS_TONES: Record<string, BadgeTone> = {
  pending: "warning",
  approved: "info",
  completed: "neutral",
  scheduled: "info",
  provisioning: "info",
  active: "success",
  denied: "danger",
  failed: "danger",
  revoking: "warning",
  revoke_stuck: "danger",
};

/** A request or grant status as text (never colour alone), tinted by how it reads. */
export function StatusBadge({ status, ...props }: HTMLAttributes<HTMLSpanElement> & { status: string }) {
  return (
    <Badge tone={STATUS_TONES[status] ?? "neutral"} {...props}>
      {status}
    </Badge>
  );
}

const RISK_TONES: Record<string, BadgeTone> = { low: "success", medium: "warning", high: "danger" };

export function RiskBadge({ risk, ...props }: HTMLAttributes<HTMLSpanElement> & { risk: string }) {
  return (
    <Badge tone={RISK_TONES[risk] ?? "neutral"} {...props}>
      {risk} risk
    </Badge>
  );
}
