import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, hostname } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { env } from "@/lib/env";
import { CliError, run } from "../run";

/**
 * `elevate login`: the device sign-in of RFC 8628 against the portal's public API. The CLI asks for a code,
 * the person opens the portal's /device page (signed in as usual, with their IdP and MFA), checks the code
 * and approves; the CLI polls and keeps the personal API token it receives in a file only its user can read.
 * `elevate logout` forgets it. ELEVATE_TOKEN, when set, still wins over the file.
 */

type Stored = { url: string; token: string; expiresAt: string };

function credentialsFile(): string {
  const dir = env().ELEVATE_CONFIG_DIR ?? path.join(homedir(), ".config", "elevate");
  return path.join(dir, "credentials.json");
}

/** The token `elevate login` stored for this portal, if it has not expired. */
export function storedToken(url: string): string | undefined {
  let stored: Stored;
  try {
    stored = JSON.parse(readFileSync(credentialsFile(), "utf8")) as Stored;
  } catch {
    return undefined;
  }
  if (stored.url !== normalise(url) || Date.parse(stored.expiresAt) <= Date.now()) return undefined;
  return stored.token;
}

const normalise = (url: string) => url.replace(/\/+$/, "");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type CodeAnswer = {
  device_code: string;
  user_code: string;
  verification_uri_complete: string;
  interval: number;
  expires_in: number;
};

async function post(
  url: string,
  body: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new CliError(`could not reach the portal: ${err instanceof Error ? err.message : String(err)}`);
  }
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, json };
}

export async function deviceLogin(opts: { url?: string; name?: string }): Promise<Stored> {
  const base = opts.url ?? env().ELEVATE_URL;
  if (!base) throw new CliError("no portal address: set ELEVATE_URL or pass --url");
  const api = `${normalise(base)}/api/v1/device`;
  const started = await post(`${api}/code`, { client_name: opts.name ?? `elevate CLI on ${hostname()}` });
  if (started.status !== 200) {
    const e = started.json.error as { message?: string } | undefined;
    throw new CliError(e?.message ?? `HTTP ${started.status}`);
  }
  const code = started.json as unknown as CodeAnswer;
  process.stderr.write(
    `To sign in, open ${code.verification_uri_complete}\nand check that the portal shows the code ${code.user_code}.\nWaiting for approval…\n`,
  );
  let interval = Math.max(1, code.interval) * 1000;
  const deadline = Date.now() + code.expires_in * 1000;
  while (Date.now() < deadline) {
    await sleep(interval);
    const polled = await post(`${api}/token`, {
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      device_code: code.device_code,
    });
    if (polled.status === 200) {
      const token = String(polled.json.access_token);
      const expiresAt = new Date(Date.now() + Number(polled.json.expires_in) * 1000).toISOString();
      return { url: normalise(base), token, expiresAt };
    }
    const error = String(polled.json.error ?? `HTTP ${polled.status}`);
    if (error === "authorization_pending") continue;
    // RFC 8628 §3.5: slow_down adds 5 seconds to the interval for this and every later poll.
    if (error === "slow_down") {
      interval += 5000;
      continue;
    }
    if (error === "access_denied") throw new CliError("the sign-in was denied in the portal");
    if (error === "expired_token")
      throw new CliError("the code expired before it was approved; run elevate login again");
    throw new CliError(`sign-in failed: ${error}`);
  }
  throw new CliError("the code expired before it was approved; run elevate login again");
}

export function registerLogin(program: Command): void {
  program
    .command("login")
    .description("sign in through the portal (device code, RFC 8628) and keep a personal API token for a day")
    .option("--url <url>", "portal address (default: ELEVATE_URL)")
    .option("--name <name>", "how this CLI is named on the approval page (default: elevate CLI on <host>)")
    .action((opts: { url?: string; name?: string }) =>
      run(async () => {
        const stored = await deviceLogin(opts);
        const file = credentialsFile();
        mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        writeFileSync(file, `${JSON.stringify(stored)}\n`, { mode: 0o600 });
        chmodSync(file, 0o600);
        process.stdout.write(`signed in to ${stored.url} until ${stored.expiresAt}\n`);
        return 0;
      }),
    );
  program
    .command("logout")
    .description("forget the token elevate login stored (revoke it under API tokens in the portal)")
    .action(() =>
      run(async () => {
        rmSync(credentialsFile(), { force: true });
        process.stdout.write("signed out\n");
        return 0;
      }),
    );
}
