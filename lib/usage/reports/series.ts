/** Nearest-rank percentile of unsorted samples (null when there are none). */
export function percentile(samples: number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The Monday (UTC) of the day's ISO week, as YYYY-MM-DD. */
export function weekOf(day: string): string {
  const d = new Date(`${day}T00:00:00.000Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

/** Every day from `from` to `to` inclusive (capped at two years). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = new Date(`${to}T00:00:00.000Z`).getTime();
  for (let t = new Date(`${from}T00:00:00.000Z`).getTime(); t <= end && out.length < 731; t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Weekly p50/p95 of per-day sample arrays, in the unit `scale` converts seconds to. */
export function weeklyPercentiles(rows: { day: string; samples: number[] | null }[], scale = 1) {
  const byWeek = new Map<string, number[]>();
  for (const r of rows) {
    const w = weekOf(r.day);
    byWeek.set(w, [...(byWeek.get(w) ?? []), ...(r.samples ?? [])]);
  }
  return [...byWeek.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([week, s]) => ({
      week,
      n: s.length,
      p50: round((percentile(s, 50) ?? 0) / scale),
      p95: round((percentile(s, 95) ?? 0) / scale),
    }));
}

const round = (n: number) => Math.round(n * 10) / 10;
