import type { HTMLAttributes } from "react";
import { cn } from "./cn";

const TONES = {
  neutral: "bg-muted text-foreground ring-input/40",
  info: "bg-blue-50 text-blue-800 ring-blue-700/20 dark:bg-blue-400/10 dark:text-blue-200 dark:ring-blue-300/30",
  success:
    "bg-green-50 text-green-800 ring-green-700/20 dark:bg-green-400/10 dark:text-green-200 dark:ring-green-300/30",
  warning:
    "bg-amber-50 text-amber-900 ring-amber-700/20 dark:bg-amber-400/10 dark:text-amber-200 dark:ring-amber-300/30",
  danger: "bg-red-50 text-red-800 ring-red-700/20 dark:bg-red-400/10 dark:text-red-200 dark:ring-red-300/30",
} as const;
export type BadgeTone = keyof typeof TONES;

export function Badge({
  tone = "neutral",
  className,
  ...props
}: HTMLAttributes<HTMLSpanElement> & { tone?: BadgeTone }) {
  return (
    <span
      className={cn(
        "inline-flex items-center whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        TONES[tone],
        className,
      )}
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
