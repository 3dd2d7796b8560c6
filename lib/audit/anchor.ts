import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { endpointProblem } from "@/lib/clouds/egress";
import { env } from "@/lib/env";
import type { SignedCheckpoint } from "./checkpoint";

/**
 * An append-only place outside the database where checkpoints (and retention exports) are also written, so
 * a database superuser who deletes checkpoint rows is caught by `audit verify --anchor`. Objects are never
 * overwritten: a second write of the same name succeeds only if the content is byte-identical.
 */
export interface AnchorSink {
  describe(): string;
  putCheckpoint(cp: SignedCheckpoint): Promise<void>;
  /** Every anchored checkpoint of the org (or of every org), in no particular order. */
  listCheckpoints(orgId?: string): Promise<SignedCheckpoint[]>;
  /** A retention export (JSON lines) under the org's archive. */
  putArchive(orgId: string, name: string, body: string): Promise<string>;
}

const seqName = (seq: number) => String(seq).padStart(16, "0");
export const checkpointObjectName = (cp: SignedCheckpoint) =>
  `checkpoints/${cp.orgId}/${seqName(cp.seq)}-${cp.reason}.json`;
const checkpointJson = (cp: SignedCheckpoint) =>
  `${JSON.stringify({
    orgId: cp.orgId,
    seq: cp.seq,
    headHash: cp.headHash,
    signedAt: cp.signedAt,
    keyId: cp.keyId,
    reason: cp.reason,
    signature: cp.signature,
  })}\n`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function parseCheckpoint(text: string, where: string): SignedCheckpoint {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`anchor object ${where} is not JSON`);
  }
  const ok =
    typeof v.orgId === "string" &&
    typeof v.seq === "number" &&
    typeof v.headHash === "string" &&
    typeof v.signedAt === "string" &&
    typeof v.keyId === "string" &&
    typeof v.reason === "string" &&
    typeof v.signature === "string";
  if (!ok) throw new Error(`anchor object ${where} is not a checkpoint`);
  return v as unknown as SignedCheckpoint;
}

/** A directory (a WORM mount, a synced folder): files created with O_EXCL and made read-only. */
export class DirectoryAnchor implements AnchorSink {
  constructor(readonly dir: string) {}

  describe() {
    return `dir:${this.dir}`;
  }

  private writeOnce(rel: string, body: string): string {
    const file = path.join(this.dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, body, { flag: "wx", mode: 0o444 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (readFileSync(file, "utf8") !== body) throw new Error(`anchor ${file} already holds other content`);
    }
    return file;
  }

  async putCheckpoint(cp: SignedCheckpoint) {
    this.writeOnce(checkpointObjectName(cp), checkpointJson(cp));
  }

  async putArchive(orgId: string, name: string, body: string) {
    return this.writeOnce(path.join("archive", orgId, name), body);
  }

  async listCheckpoints(orgId?: string) {
    const root = path.join(this.dir, "checkpoints");
    let orgs: string[];
    try {
      orgs = orgId ? [orgId] : readdirSync(root).filter((d) => UUID.test(d));
    } catch {
      return [];
    }
    const out: SignedCheckpoint[] = [];
    for (const org of orgs) {
      let files: string[];
      try {
        files = readdirSync(path.join(root, org));
      } catch {
        continue;
      }
      for (const f of files.filter((n) => n.endsWith(".json"))) {
        const file = path.join(root, org, f);
        out.push(parseCheckpoint(readFileSync(file, "utf8"), file));
      }
    }
    return out;
  }
}

/**
 * An S3 bucket with Object Lock: each object is written with `If-None-Match: *` (S3 conditional writes:
 * never replace an existing key, 412 Precondition Failed instead) and a COMPLIANCE retention
 * (x-amz-object-lock-mode / -retain-until-date), with the Content-MD5 S3 requires on such a PUT
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 */
export class S3Anchor implements AnchorSink {
  readonly client: S3Client;
  constructor(
    readonly bucket: string,
    readonly prefix: string,
    config: S3ClientConfig,
    readonly lockDays: number,
  ) {
    this.client = new S3Client(config);
  }

  describe() {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  private async putOnce(key: string, body: string, contentType: string) {
    const md5 = createHash("md5").update(body).digest("base64");
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ContentMD5: md5,
          IfNoneMatch: "*",
          ObjectLockMode: "COMPLIANCE",
          ObjectLockRetainUntilDate: new Date(Date.now() + this.lockDays * 86_400_000),
        }),
      );
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== 412) throw err;
      if ((await this.get(key)) !== body)
        throw new Error(`anchor s3://${this.bucket}/${key} holds other content`);
    }
    return `s3://${this.bucket}/${key}`;
  }

  private async get(key: string): Promise<string> {
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return (await res.Body?.transformToString("utf8")) ?? "";
  }

  async putCheckpoint(cp: SignedCheckpoint) {
    await this.putOnce(`${this.prefix}${checkpointObjectName(cp)}`, checkpointJson(cp), "application/json");
  }

  async putArchive(orgId: string, name: string, body: string) {
    return this.putOnce(`${this.prefix}archive/${orgId}/${name}`, body, "application/x-ndjson");
  }

  async listCheckpoints(orgId?: string) {
    const prefix = `${this.prefix}checkpoints/${orgId ? `${orgId}/` : ""}`;
    const out: SignedCheckpoint[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key?.endsWith(".json")) out.push(parseCheckpoint(await this.get(o.Key), o.Key));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }
}

/**
 * An anchor from its spec: `s3://bucket/prefix` or a directory path. An S3 endpoint other than AWS's
 * passes the same endpoint policy as a cloud target's (ELEVATE_ENDPOINT_ALLOWLIST for loopback/private).
 */
export function openAnchor(
  spec: string,
  opts: {
    endpoint?: string;
    region?: string;
    lockDays?: number;
    credentials?: S3ClientConfig["credentials"];
  } = {},
): AnchorSink {
  if (spec.startsWith("s3://")) {
    const rest = spec.slice("s3://".length);
    const slash = rest.indexOf("/");
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    let prefix = slash < 0 ? "" : rest.slice(slash + 1);
    if (prefix && !prefix.endsWith("/")) prefix += "/";
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new Error(`anchor: "${bucket}" is not an S3 bucket name`);
    }
    if (opts.endpoint) {
      const problem = endpointProblem("aws", opts.endpoint);
      if (problem) throw new Error(`anchor: S3 endpoint refused: it ${problem}`);
    }
    return new S3Anchor(
      bucket,
      prefix,
      {
        region: opts.region ?? "us-east-1",
        ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
        ...(opts.credentials ? { credentials: opts.credentials } : {}),
      },
      opts.lockDays ?? 2555,
    );
  }
  if (spec.includes("://"))
    throw new Error(`anchor: "${spec}" is neither a directory nor s3://bucket/prefix`);
  return new DirectoryAnchor(path.resolve(spec));
}

/** The server's anchor (ELEVATE_AUDIT_ANCHOR), or null when none is configured. */
export function configuredAnchor(): AnchorSink | null {
  const e = env();
  if (!e.ELEVATE_AUDIT_ANCHOR) return null;
  return openAnchor(e.ELEVATE_AUDIT_ANCHOR, {
    endpoint: e.ELEVATE_AUDIT_ANCHOR_S3_ENDPOINT,
    region: e.ELEVATE_AUDIT_ANCHOR_S3_REGION,
    lockDays: e.ELEVATE_AUDIT_ANCHOR_LOCK_DAYS,
  });
}
