import { execFileSync } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  guardedLookup,
  postSignedWebhook,
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhookSignature,
  WebhookError,
  webhookUrlProblem,
} from "@/lib/delivery/webhook";

/** The oracle: OpenSSL's HMAC, not node:crypto (`openssl dgst -sha256 -hmac`). */
function opensslHmac(secret: string, data: string): string {
  const out = execFileSync("openssl", ["dgst", "-sha256", "-hmac", secret], { input: data }).toString();
  return out.trim().split(/\s+/).pop() as string;
}

describe("signWebhook / verifyWebhookSignature", () => {
  it("signs HMAC-SHA256 of '<t>.<body>' as OpenSSL computes it", () => {
    const body = '{"event":"request.created","id":"r1"}';
    const header = signWebhook("whsec_test", 1_700_000_000, body);
    expect(header).toBe(`t=1700000000,v1=${opensslHmac("whsec_test", `1700000000.${body}`)}`);
  });

  it("verifies within the tolerance and refuses outside it, another body, another secret or junk", () => {
    const body = '{"a":1}';
    const h = signWebhook("s3cret", 1000, body);
    expect(verifyWebhookSignature("s3cret", h, body, 1000)).toBe(true);
    expect(verifyWebhookSignature("s3cret", h, body, 1300)).toBe(true);
    expect(verifyWebhookSignature("s3cret", h, body, 1301)).toBe(false);
    expect(verifyWebhookSignature("s3cret", h, body, 699)).toBe(false);
    expect(verifyWebhookSignature("s3cret", h, body, 1010, 5)).toBe(false);
    expect(verifyWebhookSignature("s3cret", h, '{"a":2}', 1000)).toBe(false);
    expect(verifyWebhookSignature("other", h, body, 1000)).toBe(false);
    expect(verifyWebhookSignature("s3cret", "", body, 1000)).toBe(false);
    expect(verifyWebhookSignature("s3cret", "t=abc,v1=00", body, 1000)).toBe(false);
    expect(verifyWebhookSignature("s3cret", h.replace(/^t=1000/, "t=1001"), body, 1000)).toBe(false);
    // Rotation: a second v1 entry with the right signature passes.
    const rotated = `t=1000,v1=${"0".repeat(64)},${h.split(",")[1]}`;
    expect(verifyWebhookSignature("s3cret", rotated, body, 1000)).toBe(true);
  });

  it("round-trips and never throws on arbitrary headers (property)", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.nat({ max: 2_000_000_000 }),
        fc.string(),
        (secret, body, t, junk) => {
          expect(verifyWebhookSignature(secret, signWebhook(secret, t, body), body, t)).toBe(true);
          expect(typeof verifyWebhookSignature(secret, junk, body, t)).toBe("boolean");
        },
      ),
    );
  });
});

describe("webhookUrlProblem (endpoint policy)", () => {
  it("allows public https, the operator's allowlisted loopback origins, and refuses the rest", () => {
    expect(webhookUrlProblem("https://hooks.example.com/elevate")).toBeUndefined();
    // vitest.config.ts allowlists http://127.0.0.1:* for the test servers.
    expect(webhookUrlProblem("http://127.0.0.1:8080/hook")).toBeUndefined();
    expect(webhookUrlProblem("http://hooks.example.com/")).toMatch(/https/);
    expect(webhookUrlProblem("https://10.1.2.3/")).toMatch(/private/);
    expect(webhookUrlProblem("https://[::1]/")).toMatch(/loopback/);
    expect(webhookUrlProblem("http://169.254.169.254/latest/meta-data")).toMatch(/metadata/);
    expect(webhookUrlProblem("https://user:pw@hooks.example.com/")).toMatch(/password/);
    expect(webhookUrlProblem("not a url")).toBe("must be a URL");
    expect(webhookUrlProblem("ftp://hooks.example.com/")).toMatch(/https/);
  });
});

describe("postSignedWebhook → a real HTTP server on loopback", () => {
  let server: Server;
  let base: string;
  let nextStatus = 200;
  const received: { headers: IncomingMessage["headers"]; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.statusCode = nextStatus;
        res.end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("posts JSON with a signature the receiver verifies", async () => {
    nextStatus = 204;
    const res = await postSignedWebhook(`${base}/hook`, "whsec", { event: "grant.active", grantId: "g1" });
    expect(res).toEqual({ status: 204 });
    const got = received[received.length - 1];
    expect(got.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(got.body)).toEqual({ event: "grant.active", grantId: "g1" });
    const header = String(got.headers[SIGNATURE_HEADER]);
    expect(verifyWebhookSignature("whsec", header, got.body, Math.floor(Date.now() / 1000))).toBe(true);
  });

  it("throws a retryable error on 5xx and 429, answers 4xx as final", async () => {
    nextStatus = 503;
    await expect(postSignedWebhook(`${base}/hook`, "s", {})).rejects.toMatchObject({
      retryable: true,
      status: 503,
    });
    nextStatus = 429;
    await expect(postSignedWebhook(`${base}/hook`, "s", {})).rejects.toMatchObject({ retryable: true });
    nextStatus = 410;
    await expect(postSignedWebhook(`${base}/hook`, "s", {})).resolves.toEqual({ status: 410 });
  });

  it("throws a retryable error when nothing listens, without the address in the message", async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const err = await postSignedWebhook(`http://127.0.0.1:${port}/`, "s", {}).catch((e) => e);
    expect(err).toBeInstanceOf(WebhookError);
    expect(err.retryable).toBe(true);
    expect(err.message).not.toContain(String(port));
  });

  it("refuses, before connecting, a name that resolves to loopback and is not allowlisted", async () => {
    const before = received.length;
    const port = new URL(base).port;
    // localhost is not the allowlisted origin (127.0.0.1 is), and is refused as loopback by name…
    await expect(postSignedWebhook(`http://localhost:${port}/`, "s", {})).rejects.toMatchObject({
      retryable: false,
    });
    await expect(postSignedWebhook("http://10.0.0.1/", "s", {})).rejects.toMatchObject({ retryable: false });
    expect(received.length).toBe(before);
  });

  it("checks the address a name resolves to at connect time (DNS rebinding)", async () => {
    // No public name can be made to resolve to loopback on this machine, so the connect-time resolver is
    // called directly with a name the system resolver maps to 127.0.0.1 (/etc/hosts: localhost).
    const lookupOnce = (allowInternal: boolean) =>
      new Promise<{ err: (Error & { code?: string }) | null; address: unknown }>((resolve) =>
        guardedLookup(allowInternal)("localhost", { family: 4 }, (err, address) => resolve({ err, address })),
      );
    const refused = await lookupOnce(false);
    expect(refused.err?.code).toBe("ELEVATE_REFUSED");
    const allowed = await lookupOnce(true);
    expect(allowed.err).toBeNull();
    expect(allowed.address).toBe("127.0.0.1");
  });
});
