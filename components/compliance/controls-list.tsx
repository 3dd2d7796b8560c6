/** The controls a report section evidences, as the standards name them (lib/compliance/controls.ts). */
export function ControlsList({ labels }: { labels: string[] }) {
  if (labels.length === 0) return null;
  return (
    <ul aria-label="Controls evidenced" className="mb-3 flex flex-wrap gap-1 text-xs text-muted-foreground">
      {labels.map((l) => (
        <li key={l} className="rounded border border-border px-1.5 py-0.5" title={l}>
          {l.replace(/^(SOC 2|ISO\/IEC 27001:2022|NIST SP 800-53|PCI DSS 4\.0) (\S+).*$/, "$1 $2")}
        </li>
      ))}
    </ul>
  );
}
