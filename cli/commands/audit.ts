import type { Command } from "commander";
import { getDb } from "@/db/client";
import { verifyAuditChain } from "@/lib/audit/verify";
import { findOrganization } from "@/lib/auth/org";
import { findOrg } from "../org";
import { run } from "../run";

export function registerAudit(program: Command): void {
  const audit = program.command("audit").description("audit trail");
  audit
    .command("verify")
    .description("recompute the audit hash chain; exit 1 naming the first bad event")
    .option("--org <slug>", "verify one organization (default: all)")
    .action((opts: { org?: string }) =>
      run(async () => {
        const db = await getDb();
        const orgId = opts.org ? (await findOrg(db, opts.org)).id : undefined;
        const result = await verifyAuditChain(db, { orgId });
        if (result.ok) {
          process.stdout.write(`audit chain OK: ${result.checked} events (${result.orgs} orgs)\n`);
          return 0;
        }
        const bad = result.firstBad!;
        const org = await findOrganization(db, { id: bad.orgId });
        process.stderr.write(
          `audit chain BROKEN: org ${org?.slug ?? "?"} (${bad.orgId}) seq ${bad.seq} event id ${bad.id}: ${bad.reason}` +
            ` (${result.checked} events verified before it)\n`,
        );
        return 1;
      }),
    );
}
