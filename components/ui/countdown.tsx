"use client";

import { useEffect, useState } from "react";

function format(ms: number): string {
  if (ms <= 0) return "expired";
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, "0")}m left` : `${m}m ${String(sec).padStart(2, "0")}s left`;
}

/**
 * Time left until `until`, ticking every second. Not a live region (it would announce every tick); the
 * dateTime attribute carries the exact instant.
 */
export function Countdown({ until, className }: { until: string; className?: string }) {
  const target = new Date(until).getTime();
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  return (
    <time dateTime={until} className={className} data-testid="countdown">
      {now === null ? "…" : format(target - now)}
    </time>
  );
}
