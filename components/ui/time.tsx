// An ISO-8601 UTC timestamp as the DTOs carry it ("2026-05-01T14:03:27.123Z").
const ISO_UTC = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/;

/** A UTC timestamp, machine-readable in dateTime and short for people ("2026-05-01 14:03 UTC"). */
export function Time({ value }: { value: string | Date }) {
  const iso = typeof value === "string" ? value : value.toISOString();
  return <time dateTime={iso}>{shortUtc(iso)}</time>;
}

/** Read from the string when it is already UTC ISO (lists render hundreds); parsed otherwise. */
export function shortUtc(iso: string): string {
  const m = ISO_UTC.exec(iso);
  if (m) return `${m[1]} ${m[2]} UTC`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
