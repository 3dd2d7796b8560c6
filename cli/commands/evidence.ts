import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { verifyPackText } from "@/lib/evidence/signing";
import { CliError, run } from "../run";
import { readPublicKeys } from "./audit";

export function registerEvidence(program: Command): void {
  const evidence = program.command("evidence").description("per-grant evidence packs");
  evidence
    .command("verify")
    .argument(
      "<pack.json>",
      "an evidence pack (GET /api/v1/grants/{id}/evidence, or the request page's download)",
    )
    .description("verify a pack offline (no database): exit 1 when any byte of it was changed")
    .option(
      "--public-key <file>",
      "the Ed25519 public key (PEM) it must be signed with (default: this server's)",
    )
    .action((file: string, opts: { publicKey?: string }) =>
      run(async () => {
        let text: string;
        try {
          text = readFileSync(file, "utf8");
        } catch {
          throw new CliError(`cannot read ${file}`);
        }
        const keys = readPublicKeys(opts.publicKey);
        if (keys.length === 0) throw new CliError("no public key: give --public-key <file>");
        const result = verifyPackText(text, keys);
        if (!result.ok) {
          process.stderr.write(`evidence pack INVALID: ${file}: ${result.problem}\n`);
          return 1;
        }
        process.stdout.write(
          `evidence pack OK: signed by key ${result.keyId}; ${result.events} audit events` +
            `${result.checkpointSeq === null ? "" : `, covered by the signed checkpoint at seq ${result.checkpointSeq}`}\n`,
        );
        return 0;
      }),
    );
}
