import type { HTMLAttributes } from "react";
import { cn } from "./cn";

const TONES = {
  neutral: "bg-slate-100 text-slate-700 ring-slate-500/20",
  info: "bg-blue-50 text-blue-700 ring-blue-700/20",
  success: "bg-green-50 text-green-700 ring-green-600/20",
  warning: "bg-amber-50 text-amber-800 ring-amber-600/20",
  danger: "bg-red-50 text-red-700 ring-red-600/20",
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
        "inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
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
