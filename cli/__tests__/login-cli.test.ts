import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeededOrg } from "@/db/seed/org";
import { setupApiDatabase } from "@/lib/testing/api";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg } from "@/lib/testing/db";
import { startRouteServer } from "@/lib/testing/route-server";
import { decideDeviceAuthorization } from "@/lib/tokens/device";
import * as deviceCode from "../../app/api/v1/device/code/route";
import * as deviceToken from "../../app/api/v1/device/token/route";
import * as requests from "../../app/api/v1/requests/route";

// `elevate login` in a child process (the real launcher) against the real route handlers on loopback; the
// person's approval goes through the verb the /device page calls. RFC 8628's interval makes this ~5 s.
const BIN = path.resolve(__dirname, "../../bin/elevate.mjs");
const db = setupApiDatabase();
let server: Awaited<ReturnType<typeof startRouteServer>>;
let org: SeededOrg;
const configDir = mkdtempSync(path.join(tmpdir(), "elevate-cli-config-"));

beforeAll(async () => {
  server = await startRouteServer({
    "/api/v1/device/code": deviceCode,
    "/api/v1/device/token": deviceToken,
    "/api/v1/requests": requests,
  });
  org = await createTestOrg(db());
});
afterAll(async () => server?.close());

type Run = { code: number; stdout: string; stderr: string };
/** Runs the CLI; `onStderr` sees its error stream as it arrives (the code to approve is printed there). */
function elevate(args: string[], onStderr?: (text: string) => void): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ELEVATE_URL: server.url, ELEVATE_CONFIG_DIR: configDir };
  delete env.ELEVATE_TOKEN;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      onStderr?.(stderr);
    });
    child.on("close", (code) => resolve({ code: code ?? 99, stdout, stderr }));
  });
}

describe("elevate login (device code)", () => {
  it("signs in once the person approves in the portal, keeps the token 0600, and the people commands use it", async () => {
    let approving: Promise<unknown> | null = null;
    const login = await elevate(["login", "--name", "ci laptop"], (err) => {
      const code = /code ([B-Z]{4}-[B-Z]{4})/.exec(err)?.[1];
      if (code && !approving) {
        approving = userCtx(db(), org.users.requester).then((ctx) =>
          decideDeviceAuthorization({ ctx, input: { userCode: code, verdict: "approve" } }),
        );
      }
    });
    await approving;
    expect(login.stderr).toContain("/device?code=");
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`signed in to ${server.url}`);
    const file = path.join(configDir, "credentials.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, "utf8"));
    expect(stored.token).toMatch(/^elv_/);

    // No ELEVATE_TOKEN: the stored token answers, as the person who approved.
    const mine = await elevate(["requests", "--json"]);
    expect(mine.stderr).toBe("");
    expect(mine.code).toBe(0);
    expect(JSON.parse(mine.stdout)).toMatchObject({ items: expect.any(Array) });

    const out = await elevate(["logout"]);
    expect(out.code).toBe(0);
    expect(existsSync(file)).toBe(false);
    const after = await elevate(["requests"]);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain("run elevate login");
  }, 60_000);

  it("a denial in the portal ends the CLI with an error and stores nothing", async () => {
    let denying: Promise<unknown> | null = null;
    const login = await elevate(["login"], (err) => {
      const code = /code ([B-Z]{4}-[B-Z]{4})/.exec(err)?.[1];
      if (code && !denying) {
        denying = userCtx(db(), org.users.requester).then((ctx) =>
          decideDeviceAuthorization({ ctx, input: { userCode: code, verdict: "deny" } }),
        );
      }
    });
    await denying;
    expect(login.code).toBe(1);
    expect(login.stderr).toContain("denied");
    expect(existsSync(path.join(configDir, "credentials.json"))).toBe(false);
  }, 60_000);
});
