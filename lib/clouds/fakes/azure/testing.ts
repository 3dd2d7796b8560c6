import { randomUUID } from "node:crypto";
import https from "node:https";
import type { TokenCredential } from "@azure/core-auth";
import type { TargetRow } from "@/lib/clouds/port";
import { targetRow } from "@/lib/testing/target-row";

/** A credential that hands out a fixed token: no call to Entra ID. */
export const fixedTokenCredential = (token = "fake-token"): TokenCredential => ({
  getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
});

/** A targets row as the database would hold it, without a database. */
export function azureTarget(
  subscriptionId: string = randomUUID(),
  settings: Record<string, unknown> = {},
): TargetRow {
  return targetRow("azure", { name: `azure ${subscriptionId}`, externalId: subscriptionId, settings });
}

/** ARM's JSON error body. */
export type ArmError = { error: { code: string; message: string } };

/** One raw ARM call to the fake over TLS (trusting its certificate), answering status and parsed body. */
export function callAzure(
  fake: { url: string; ca: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: ArmError & Record<string, unknown> }> {
  const url = new URL(fake.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: `${path}${path.includes("?") ? "&" : "?"}api-version=2022-04-01`,
        ca: fake.ca,
        headers: { authorization: "Bearer fake-token", "content-type": "application/json" },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
