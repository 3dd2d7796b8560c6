import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { usageEvents } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { provisionGrant } from "@/lib/grants/provision";
import { decideRequest } from "@/lib/requests/decide";
import { submitRequest } from "@/lib/requests/submit";
import { userCtx } from "@/lib/testing/ctx";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { importUsage } from "../import";

/** An active grant made the product's way: submitted, approved, provisioned (sandbox adapter). */
export async function activeGrant(
  db: Db,
  org: SeededOrg,
  cloud: "aws" | "gcp" | "azure",
  permissions: string[],
) {
  const request = await submitRequest({
    ctx: await userCtx(db, org.users.requester),
    input: {
      targetId: org.targets[cloud].id,
      permissions,
      resource: null,
      durationMinutes: 60,
      justification: "Investigating INC-42",
      ticketUrl: "https://tickets.example/INC-42",
    },
  });
  const decided = await decideRequest({
    ctx: await userCtx(db, org.users.approver),
    input: { requestId: request.id, verdict: "approve" },
  });
  const grantId = decided.grants[0].id;
  const out = await provisionGrant({ ctx: systemCtx(db, org.org.id, "test"), input: { grantId } });
  if (out.status !== "active") throw new Error(`grant ${grantId} is ${out.status}`);
  return grantId;
}

/** Imports in-memory files (name → content) the way the CLI imports files. */
export function importFiles(
  db: Db,
  org: SeededOrg,
  files: Record<string, string | Buffer>,
  opts: { target?: string } = {},
) {
  return importUsage({
    ctx: systemCtx(db, org.org.id, "test"),
    input: { source: "cli", name: Object.keys(files).join(","), target: opts.target ?? null },
    inputs: Object.entries(files).map(([name, content]) => ({
      name,
      stream: Readable.from([Buffer.isBuffer(content) ? content : Buffer.from(content)]),
    })),
  });
}

export async function eventsOf(db: Db, org: SeededOrg) {
  return db.select().from(usageEvents).where(eq(usageEvents.orgId, org.org.id));
}

/** The summary's arithmetic: every record is accounted for exactly once. */
export function addsUp(
  s: {
    records: number;
    parsed: number;
    malformed: number;
    mapped: number;
    unmappable: number;
    duplicates: number;
    attributed: number;
    reasons: Record<string, number>;
  },
  stored: number,
): boolean {
  const reasons = Object.values(s.reasons).reduce((a, b) => a + b, 0);
  return (
    s.records === s.parsed + s.malformed &&
    s.parsed === s.mapped + s.unmappable &&
    s.mapped === stored + s.duplicates &&
    s.attributed <= stored &&
    reasons === s.malformed + s.unmappable
  );
}
