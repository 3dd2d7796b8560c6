import { OAuth2Client } from "google-auth-library";
import type { TargetRow } from "@/lib/clouds/port";
import { targetRow } from "@/lib/testing/target-row";

/** An auth client holding a fixed, unexpired token: no network call to Google for credentials. */
export function fixedTokenClient(token = "fake-token"): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return client;
}

/** A targets row as the database would hold it, without a database. */
export function gcpTarget(projectId = "elevate-fake-1", settings: Record<string, unknown> = {}): TargetRow {
  return targetRow("gcp", { name: `gcp ${projectId}`, externalId: projectId, settings });
}

/** Google's JSON error body. */
export type GoogleError = { error: { code: number; message: string; status: string } };

/** One raw REST call to the fake with a bearer token, answering status and parsed JSON body. */
export async function callFake(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: "Bearer fake-token", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as GoogleError & Record<string, unknown> };
}
