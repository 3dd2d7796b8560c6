import { Command } from "commander";
import { VERSION } from "@/lib/env";
import { registerAudit } from "./commands/audit";
import { registerDb } from "./commands/db";
import { registerEvidence } from "./commands/evidence";
import { registerLogin } from "./commands/login";
import { registerPeople } from "./commands/people";
import { registerReconcile } from "./commands/reconcile";
import { registerScim } from "./commands/scim";
import { registerTokens } from "./commands/tokens";
import { registerUsage } from "./commands/usage";

/** Operator CLI: `npx elevate <command>` (bin/elevate.mjs runs this file under tsx). */
const program = new Command()
  .name("elevate")
  .description("Elevate: just-in-time cloud access")
  .version(VERSION)
  .showHelpAfterError();

registerDb(program);
registerTokens(program);
registerReconcile(program);
registerAudit(program);
registerUsage(program);
registerEvidence(program);
registerLogin(program);
registerPeople(program);
registerScim(program);

await program.parseAsync(process.argv);
