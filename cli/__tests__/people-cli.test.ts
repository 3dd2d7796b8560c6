import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeededOrg } from "@/db/seed/org";
import { apiTokenFor, setupApiDatabase } from "@/lib/testing/api";
import { createTestOrg } from "@/lib/testing/db";
import { startRouteServer } from "@/lib/testing/route-server";
import * as grantAccess from "../../app/api/v1/grants/[id]/access/route";
import * as grant from "../../app/api/v1/grants/[id]/route";
import * as grants from "../../app/api/v1/grants/route";
import * as decision from "../../app/api/v1/requests/[id]/decision/route";
import * as request from "../../app/api/v1/requests/[id]/route";
import * as requests from "../../app/api/v1/requests/route";
import * as targets from "../../app/api/v1/targets/route";
import * as templates from "../../app/api/v1/templates/route";

// The real launcher in a child process, talking HTTP to the real route handlers served on loopback
// (the same modules `next start` serves), over a real database.
const BIN = path.resolve(__dirname, "../../bin/elevate.mjs");
const db = setupApiDatabase();
let server: Awaited<ReturnType<typeof startRouteServer>>;
let org: SeededOrg;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  server = await startRouteServer({
    "/api/v1/grants/{id}/access": grantAccess,
    "/api/v1/grants/{id}": grant,
    "/api/v1/grants": grants,
    "/api/v1/requests/{id}/decision": decision,
    "/api/v1/requests/{id}": request,
    "/api/v1/requests": requests,
    "/api/v1/targets": targets,
    "/api/v1/templates": templates,
  });
  org = await createTestOrg(db());
  tokens.requester = await apiTokenFor(db(), org, "requester");
  tokens.approver = await apiTokenFor(db(), org, "approver");
});
afterAll(async () => server?.close());

type Run = { code: number; stdout: string; stderr: string };
function elevate(token: string | null, ...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ELEVATE_URL: server.url };
  if (token) env.ELEVATE_TOKEN = token;
  else delete env.ELEVATE_TOKEN;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 99) : 0, stdout, stderr });
    });
  });
}

describe("the people CLI over the public API", () => {
  it("requests, approves and assumes a grant", async () => {
    const asked = await elevate(
      tokens.requester,
      "request",
      "--target",
      org.targets.aws.name,
      "--template",
      "logs.read",
      "--minutes",
      "30",
      "--justification",
      "INC-21 read the logs",
    );
    expect(asked.stderr).toBe("");
    expect(asked.code).toBe(0);
    const [requestId, status] = asked.stdout.trim().split("\t");
    expect(status).toBe("pending");

    const listed = await elevate(tokens.requester, "requests", "--status", "pending");
    expect(listed.stdout).toContain(requestId);
    expect(listed.stdout).toContain("logs.read");

    const approved = await elevate(tokens.approver, "approve", requestId, "--comment", "ok");
    expect(approved.code).toBe(0);
    const [, decided, grantId] = approved.stdout.trim().split("\t");
    expect(decided).toBe("approved");
    expect(grantId).toMatch(/^[0-9a-f-]{36}$/);

    const mine = await elevate(tokens.requester, "grants", "--status", "active");
    expect(mine.stdout).toContain(grantId);

    const assume = await elevate(tokens.requester, "assume", grantId);
    expect(assume.code).toBe(0);
    expect(assume.stdout).toContain(
      `aws sts assume-role --role-arn arn:aws:iam::${org.targets.aws.externalId}:role/elevate/${org.org.id}/elevate-${grantId} --role-session-name ${grantId}`,
    );
    const exported = await elevate(tokens.requester, "assume", grantId, "--export");
    expect(exported.stdout).toContain(`export ELEVATE_GRANT_ID='${grantId}'`);
    expect(exported.stdout).toContain("read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN");
    // The lines parse as shell (bash -n: syntax only, nothing runs).
    await new Promise<void>((resolve, reject) =>
      execFile("bash", ["-n", "-c", exported.stdout], (err) => (err ? reject(err) : resolve())),
    );

    // Errors are the API's, plainly, with exit code 1.
    const again = await elevate(tokens.approver, "approve", requestId);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already approved/);
    const someoneElses = await elevate(tokens.approver, "assume", grantId);
    expect(someoneElses.code).toBe(1);
    expect(someoneElses.stderr).toContain("not found");
  }, 180_000);

  it("refuses to run without a token or with bad input, naming what is missing", async () => {
    const none = await elevate(null, "grants");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("ELEVATE_TOKEN");
    const badTarget = await elevate(
      tokens.requester,
      "request",
      "--target",
      "nope",
      "--template",
      "logs.read",
      "--justification",
      "x",
    );
    expect(badTarget.code).toBe(1);
    expect(badTarget.stderr).toContain('target "nope": no such target');
    const badMinutes = await elevate(
      tokens.requester,
      "request",
      "--target",
      org.targets.aws.name,
      "--template",
      "logs.read",
      "--minutes",
      "abc",
      "--justification",
      "x",
    );
    expect(badMinutes.code).toBe(1);
    expect(badMinutes.stderr).toContain("--minutes");
  }, 120_000);
});
