import { createHash, generateKeyPairSync } from "node:crypto";
import { DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startFakeS3 } from "@/lib/clouds/fakes/aws-s3";
import { resetEnv } from "@/lib/env";
import { openAnchor, S3Anchor } from "../anchor";
import { signCheckpoint } from "../checkpoint";
import { keyIdOf } from "../keys";

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const key = { privateKey, publicKey, keyId: keyIdOf(publicKey), source: "test" };
const credentials = { accessKeyId: "AKIAFAKE", secretAccessKey: "fake-secret" };
const ORG = "00000000-0000-4000-8000-0000000000aa";

let fake: Awaited<ReturnType<typeof startFakeS3>>;
beforeAll(async () => {
  fake = await startFakeS3({ bucket: "elevate-audit" });
  vi.stubEnv("ELEVATE_ENDPOINT_ALLOWLIST", "http://127.0.0.1:*");
  resetEnv();
});
afterAll(async () => {
  await fake?.close();
  vi.unstubAllEnvs();
  resetEnv();
});

const cp = (seq: number, head = "a".repeat(64)) =>
  signCheckpoint(key, {
    orgId: ORG,
    seq,
    headHash: head,
    signedAt: "2026-01-01T00:00:00.000Z",
    reason: "periodic",
  });

describe("S3 anchor (real @aws-sdk/client-s3 against a loopback S3 with Object Lock)", () => {
  it("writes each checkpoint once with COMPLIANCE retention and Content-MD5, and lists them back", async () => {
    const anchor = openAnchor("s3://elevate-audit/prod/", { endpoint: fake.url, credentials, lockDays: 30 });
    expect(anchor).toBeInstanceOf(S3Anchor);
    await anchor.putCheckpoint(cp(1));
    await anchor.putCheckpoint(cp(2));
    // The same bytes again (a retry after a lost answer) are accepted: the 412 is read back and compared.
    await anchor.putCheckpoint(cp(2));
    const listed = await anchor.listCheckpoints(ORG);
    expect(listed.map((c) => c.seq).sort()).toEqual([1, 2]);
    expect(listed[0]).toEqual(cp(listed[0].seq));
    const stored = fake.objects.get(`prod/checkpoints/${ORG}/0000000000000001-periodic.json`)!;
    expect(stored).toHaveLength(1);
    expect(stored[0].lockMode).toBe("COMPLIANCE");
    expect(stored[0].retainUntil!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(fake.requests.filter((r) => r.status === 412)).toHaveLength(1);
  });

  it("refuses to overwrite an anchored checkpoint with other content (If-None-Match: * → 412)", async () => {
    const anchor = openAnchor("s3://elevate-audit/ow", { endpoint: fake.url, credentials });
    await anchor.putCheckpoint(cp(7));
    await expect(anchor.putCheckpoint(cp(7, "b".repeat(64)))).rejects.toThrow(/holds other content/);
    expect((await anchor.listCheckpoints(ORG))[0].headHash).toBe("a".repeat(64));
  });

  it("the fake keeps S3's documented Object Lock rules: lock needs an integrity header, a locked version cannot be deleted", async () => {
    const s3 = new S3Client({ region: "us-east-1", endpoint: fake.url, forcePathStyle: true, credentials });
    const body = "x";
    const until = new Date(Date.now() + 86_400_000);
    await s3.send(
      new PutObjectCommand({
        Bucket: "elevate-audit",
        Key: "locked",
        Body: body,
        ContentMD5: createHash("md5").update(body).digest("base64"),
        ObjectLockMode: "COMPLIANCE",
        ObjectLockRetainUntilDate: until,
      }),
    );
    const version = fake.objects.get("locked")![0].versionId;
    const denied = await s3
      .send(new DeleteObjectCommand({ Bucket: "elevate-audit", Key: "locked", VersionId: version }))
      .then(
        () => null,
        (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => [
          e.name,
          e.$metadata?.httpStatusCode,
        ],
      );
    expect(denied).toEqual(["AccessDenied", 403]);
    const badMd5 = await s3
      .send(
        new PutObjectCommand({
          Bucket: "elevate-audit",
          Key: "y",
          Body: "y",
          ContentMD5: "AAAAAAAAAAAAAAAAAAAAAA==",
        }),
      )
      .then(
        () => null,
        (e: { name?: string }) => e.name,
      );
    expect(badMd5).toBe("BadDigest");
  });

  it("refuses a loopback S3 endpoint that the endpoint policy does not allow, and a bad bucket name", () => {
    vi.stubEnv("ELEVATE_ENDPOINT_ALLOWLIST", "");
    resetEnv();
    try {
      expect(() => openAnchor("s3://elevate-audit/p", { endpoint: "http://127.0.0.1:9" })).toThrow(
        /loopback, private or link-local/,
      );
      expect(() => openAnchor("s3://Bad_Bucket/p")).toThrow(/not an S3 bucket name/);
      expect(() => openAnchor("https://example.com/x")).toThrow(/neither a directory nor s3/);
    } finally {
      vi.stubEnv("ELEVATE_ENDPOINT_ALLOWLIST", "http://127.0.0.1:*");
      resetEnv();
    }
  });
});
