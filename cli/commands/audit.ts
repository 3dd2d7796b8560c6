import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { getDb } from "@/db/client";
import { openAnchor } from "@/lib/audit/anchor";
import { createCheckpoint } from "@/lib/audit/checkpoint";
import { EMBEDDED_KEY_FILE, parsePublicKey, publicKeyPem, signingKey } from "@/lib/audit/keys";
import { applyAuditRetention } from "@/lib/audit/retention";
import { verifyAuditChain } from "@/lib/audit/verify";
import { findOrganization } from "@/lib/auth/org";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { findOrg } from "../org";
import { CliError, run } from "../run";

/**
 * The server's key for a CLI command: its log lines would mix into stdout (a PEM piped to a file), so the
 * key's warnings go to stderr here instead.
 */
export function cliSigningKey() {
  const level = logger.level;
  logger.level = "silent";
  try {
    const key = signingKey();
    if (key?.source.endsWith(EMBEDDED_KEY_FILE)) {
      process.stderr.write(
        `warning: using the audit signing key generated in the data folder (${key.source}); production must supply its own (ELEVATE_AUDIT_SIGNING_KEY)\n`,
      );
    }
    return key;
  } finally {
    logger.level = level;
  }
}

/** The public key a verifier trusts: the file given, else the server's configured key. */
export function readPublicKeys(file: string | undefined) {
  if (file) {
    let pem: string;
    try {
      pem = readFileSync(file, "utf8");
    } catch {
      throw new CliError(`--public-key: cannot read ${file}`);
    }
    try {
      return [parsePublicKey(pem, `--public-key ${file}`)];
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }
  const key = cliSigningKey();
  return key ? [key.publicKey] : [];
}

export function registerAudit(program: Command): void {
  const audit = program.command("audit").description("audit trail");
  audit
    .command("verify")
    .description(
      "recompute the audit hash chain and check it against the signed checkpoints (and an anchor); exit 1 naming what is wrong",
    )
    .option("--org <slug>", "verify one organization (default: all)")
    .option(
      "--public-key <file>",
      "the Ed25519 public key (PEM) checkpoints must be signed with (default: the server's)",
    )
    .option(
      "--anchor <dir|s3://bucket/prefix>",
      "compare with the checkpoints anchored there (catches deleted ones)",
    )
    .action((opts: { org?: string; publicKey?: string; anchor?: string }) =>
      run(async () => {
        const publicKeys = readPublicKeys(opts.publicKey);
        let anchor: ReturnType<typeof openAnchor> | undefined;
        if (opts.anchor) {
          try {
            anchor = openAnchor(opts.anchor, {
              endpoint: env().ELEVATE_AUDIT_ANCHOR_S3_ENDPOINT,
              region: env().ELEVATE_AUDIT_ANCHOR_S3_REGION,
            });
          } catch (err) {
            throw new CliError(`--anchor: ${(err as Error).message}`);
          }
        }
        const db = await getDb();
        const orgId = opts.org ? (await findOrg(db, opts.org)).id : undefined;
        const result = await verifyAuditChain(db, { orgId, publicKeys, anchor });
        for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
        if (result.ok) {
          process.stdout.write(
            `audit chain OK: ${result.checked} events, ${result.checkpoints} signed checkpoints (${result.orgs} orgs)${anchor ? `, anchor ${anchor.describe()} matches` : ""}\n`,
          );
          return 0;
        }
        const bad = result.firstBad!;
        const org = await findOrganization(db, { id: bad.orgId });
        const where =
          bad.checkpointId !== undefined
            ? `checkpoint ${bad.checkpointId ? `id ${bad.checkpointId}` : "(anchor only)"}${bad.id ? ` / event id ${bad.id}` : ""}`
            : `event id ${bad.id}`;
        process.stderr.write(
          `audit chain BROKEN: org ${org?.slug ?? "?"} (${bad.orgId}) seq ${bad.seq} ${where}: ${bad.reason}` +
            `${bad.detail ? ` — ${bad.detail}` : ""} (${result.checked} events verified before it)\n`,
        );
        return 1;
      }),
    );
  audit
    .command("public-key")
    .description("print the audit signing key's public half (PEM) and its key id")
    .action(() =>
      run(async () => {
        const key = cliSigningKey();
        if (!key) throw new CliError("no audit signing key: set ELEVATE_AUDIT_SIGNING_KEY (docs/audit.md)");
        process.stdout.write(publicKeyPem(key.publicKey));
        process.stderr.write(`key id ${key.keyId} (${key.source})\n`);
        return 0;
      }),
    );
  audit
    .command("checkpoint")
    .description("sign a checkpoint of the chain's head now (and anchor it when an anchor is configured)")
    .option("--org <slug>", "the organization (default ELEVATE_ORG_SLUG)")
    .action((opts: { org?: string }) =>
      run(async () => {
        if (!cliSigningKey())
          throw new CliError("no audit signing key: set ELEVATE_AUDIT_SIGNING_KEY (docs/audit.md)");
        const db = await getDb();
        const org = await findOrg(db, opts.org);
        const cp = await createCheckpoint(db, { orgId: org.id, reason: "manual" });
        if (!cp) throw new CliError(`org ${org.slug} has no audit events yet`);
        process.stdout.write(`${JSON.stringify(cp)}\n`);
        return 0;
      }),
    );
  audit
    .command("retention")
    .description(
      "export and purge audit events older than ELEVATE_AUDIT_RETENTION_DAYS (or --days), behind a signed cut",
    )
    .option("--org <slug>", "one organization (default: all)")
    .option("--days <n>", "retention in days (default ELEVATE_AUDIT_RETENTION_DAYS)")
    .action((opts: { org?: string; days?: string }) =>
      run(async () => {
        const days = opts.days === undefined ? env().ELEVATE_AUDIT_RETENTION_DAYS : Number(opts.days);
        if (days === undefined)
          throw new CliError("no retention: set ELEVATE_AUDIT_RETENTION_DAYS or give --days");
        if (!Number.isInteger(days) || days < 1)
          throw new CliError("--days must be a whole number of days ≥ 1");
        const db = await getDb();
        const orgId = opts.org ? (await findOrg(db, opts.org)).id : undefined;
        const purges = await applyAuditRetention(db, { orgId, days });
        process.stdout.write(`${JSON.stringify(purges.map((p) => ({ ...p, cut: p.cut?.seq ?? null })))}\n`);
        return 0;
      }),
    );
}
