import { TitledCard } from "@/components/ui/card";

/** Per grant: the signed evidence pack (JSON, verifies offline) and the same pack as a PDF. */
export function EvidenceDownloads({
  requestId,
  grants,
}: {
  requestId: string;
  grants: { id: string; targetName: string }[];
}) {
  return (
    <TitledCard
      id="evidence"
      title="Evidence"
      description="Signed evidence pack per grant: verify the JSON offline with `npx elevate evidence verify <file> --public-key <key.pem>`."
    >
      <ul className="space-y-2 text-sm" data-testid="evidence-downloads">
        {grants.map((g) => {
          const base = `/requests/${encodeURIComponent(requestId)}/evidence?grant=${encodeURIComponent(g.id)}`;
          return (
            <li key={g.id} className="flex flex-wrap items-center gap-3">
              <span className="font-medium">{g.targetName}</span>
              <a href={`${base}&format=json`} download className="text-primary underline underline-offset-4">
                Evidence (JSON, signed)
              </a>
              <a href={`${base}&format=pdf`} download className="text-primary underline underline-offset-4">
                Evidence (PDF)
              </a>
            </li>
          );
        })}
      </ul>
    </TitledCard>
  );
}
