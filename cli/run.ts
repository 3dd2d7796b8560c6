import { closeDb } from "@/db/client";
import { AppError } from "@/lib/errors";

/** An expected failure: its message is shown as is, without a stack trace. */
export class CliError extends Error {}

/**
 * Runs one command body, prints expected errors plainly, and always closes the database so the process
 * ends. Exit codes: 0 success, 1 a failed check or expected error, 2 an unexpected error.
 */
export async function run(body: () => Promise<number | undefined>): Promise<never> {
  let code = 0;
  try {
    code = (await body()) ?? 0;
  } catch (err) {
    if (err instanceof AppError || err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n`);
      code = 1;
    } else {
      process.stderr.write(
        `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      code = 2;
    }
  }
  try {
    await closeDb();
  } catch (err) {
    process.stderr.write(`warning: closing the database failed: ${String(err)}\n`);
  }
  // Workflow timers or pooled sockets must not keep a finished command alive.
  process.exit(code);
}
