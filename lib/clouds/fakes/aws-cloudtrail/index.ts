import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeTrailEvent = { id: string; name: string; time: Date; record: Record<string, unknown> };

/**
 * A loopback CloudTrail that answers `LookupEvents` in the service's JSON 1.1 protocol
 * (`X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents`, timestamps in epoch
 * seconds, newest first, `NextToken` pages), with injectable throttling (`ThrottlingException`, 400).
 */
export async function startFakeCloudTrail() {
  const events: FakeTrailEvent[] = [];
  const calls: { start: number; end: number; token: string | null }[] = [];
  let throttle = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, {
          "content-type": "application/x-amz-json-1.1",
          "x-amzn-requestid": randomUUID(),
        });
        res.end(JSON.stringify(body));
      };
      const target = String(req.headers["x-amz-target"] ?? "");
      if (!target.endsWith(".LookupEvents"))
        return reply(400, { __type: "UnknownOperationException", message: target });
      if (!String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 "))
        return reply(400, { __type: "UnrecognizedClientException", message: "unsigned" });
      if (throttle > 0) {
        throttle -= 1;
        return reply(400, { __type: "ThrottlingException", message: "Rate exceeded" });
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      const start = Number(body.StartTime ?? 0) * 1000;
      const end = Number(body.EndTime ?? Date.now() / 1000) * 1000;
      const max = Math.min(Number(body.MaxResults ?? 50), 50);
      const from = body.NextToken ? Number(body.NextToken) : 0;
      calls.push({ start, end, token: body.NextToken ?? null });
      const inWindow = events
        .filter((e) => e.time.getTime() >= start && e.time.getTime() <= end)
        .sort((a, b) => b.time.getTime() - a.time.getTime());
      const page = inWindow.slice(from, from + max);
      reply(200, {
        Events: page.map((e) => ({
          EventId: e.id,
          EventName: e.name,
          EventTime: e.time.getTime() / 1000,
          CloudTrailEvent: JSON.stringify(e.record),
        })),
        ...(from + max < inWindow.length ? { NextToken: String(from + max) } : {}),
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    calls,
    throttleNext(n: number) {
      throttle = n;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
