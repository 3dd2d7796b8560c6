import type { HTMLAttributes } from "react";
import { cn } from "./cn";

/** A placeholder block; decorative, so hidden from assistive tech (the container says "Loading"). */
export function Skeleton({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div aria-hidden className={cn("animate-pulse rounded-md bg-muted", className)} {...props} />;
}

/** A few skeleton rows inside a status region, for lists that are loading. */
export function SkeletonList({ rows = 3, label = "Loading" }: { rows?: number; label?: string }) {
  return (
    <div role="status" aria-label={label} className="space-y-3">
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders never reorder
        <Skeleton key={i} className="h-10 w-full" />
      ))}
    </div>
  );
}
