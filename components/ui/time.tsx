/** A UTC timestamp, machine-readable in dateTime and short for people ("2026-05-01 14:03 UTC"). */
export function Time({ value }: { value: string | Date }) {
  const iso = typeof value === "string" ? value : value.toISOString();
  const d = new Date(iso);
  const text = Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return <time dateTime={iso}>{text}</time>;
}
