import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback S3 (path-style REST, XML) with one Object Lock bucket, as much as the audit anchor uses, with
 * the documented semantics it relies on:
 * - Object Lock (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html): a bucket with
 *   Object Lock is versioned; a PUT carrying `x-amz-object-lock-mode` (GOVERNANCE | COMPLIANCE) and
 *   `x-amz-object-lock-retain-until-date` must also carry `Content-MD5` or an `x-amz-checksum-*` header
 *   (400 InvalidRequest otherwise); a locked version cannot be deleted before its retain-until date
 *   (403 AccessDenied), not even by the root user in COMPLIANCE mode.
 * - A PUT on an existing key does not replace the locked version: it adds a newer version
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-overview.html).
 * - Conditional writes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html):
 *   `If-None-Match: *` on an existing key answers 412 PreconditionFailed and writes nothing.
 * - `Content-MD5` that does not match the body answers 400 BadDigest.
 * - DELETE without a version id adds a delete marker (the key disappears from GET and ListObjectsV2; its
 *   versions stay); with `?versionId=` of a locked version: 403 AccessDenied.
 * Requests must be SigV4-signed (the header's presence is checked, not the signature).
 */
type Version = {
  versionId: string;
  body: Buffer | null; // null: a delete marker
  etag: string;
  lastModified: Date;
  lockMode?: string;
  retainUntil?: Date;
};

export async function startFakeS3(opts: { bucket: string }) {
  const objects = new Map<string, Version[]>();
  const requests: { method: string; key: string; status: number }[] = [];

  const xml = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      "content-type": "application/xml",
      "x-amz-request-id": randomUUID(),
      ...headers,
    });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
  };
  const esc = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const error = (res: ServerResponse, status: number, code: string, message: string) =>
    xml(res, status, `<Error><Code>${code}</Code><Message>${esc(message)}</Message></Error>`);
  const current = (key: string) => {
    const v = objects.get(key)?.at(-1);
    return v?.body ? v : undefined;
  };

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const url = new URL(req.url ?? "/", "http://fake");
    const [, bucket, ...rest] = url.pathname.split("/");
    const key = decodeURIComponent(rest.join("/"));
    const h = req.headers;
    if (!String(h.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
      return error(res, 403, "AccessDenied", "request is not signed");
    }
    if (bucket !== opts.bucket) return error(res, 404, "NoSuchBucket", "The specified bucket does not exist");

    if (req.method === "PUT" && key) {
      const mode = h["x-amz-object-lock-mode"] as string | undefined;
      const until = h["x-amz-object-lock-retain-until-date"] as string | undefined;
      if (mode || until) {
        if (mode !== "GOVERNANCE" && mode !== "COMPLIANCE") {
          return error(res, 400, "InvalidArgument", "Unknown wormMode directive.");
        }
        if (!until || Number.isNaN(Date.parse(until)) || Date.parse(until) <= Date.now()) {
          return error(res, 400, "InvalidArgument", "The retain until date must be in the future!");
        }
        const checksum = Object.keys(h).some((n) => n.startsWith("x-amz-checksum-"));
        if (!h["content-md5"] && !checksum) {
          return error(
            res,
            400,
            "InvalidRequest",
            "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters",
          );
        }
      }
      if (h["content-md5"] && h["content-md5"] !== createHash("md5").update(body).digest("base64")) {
        return error(res, 400, "BadDigest", "The Content-MD5 you specified did not match what we received.");
      }
      if (h["if-none-match"] === "*" && current(key)) {
        return error(
          res,
          412,
          "PreconditionFailed",
          "At least one of the pre-conditions you specified did not hold",
        );
      }
      const v: Version = {
        versionId: randomUUID().replaceAll("-", ""),
        body,
        etag: `"${createHash("md5").update(body).digest("hex")}"`,
        lastModified: new Date(),
        lockMode: mode,
        retainUntil: until ? new Date(until) : undefined,
      };
      objects.set(key, [...(objects.get(key) ?? []), v]);
      res.writeHead(200, { etag: v.etag, "x-amz-version-id": v.versionId, "x-amz-request-id": randomUUID() });
      return res.end();
    }

    if (req.method === "GET" && key) {
      const versionId = url.searchParams.get("versionId");
      const v = versionId ? objects.get(key)?.find((x) => x.versionId === versionId) : current(key);
      if (!v?.body) return error(res, 404, "NoSuchKey", "The specified key does not exist.");
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": String(v.body.length),
        etag: v.etag,
        "last-modified": v.lastModified.toUTCString(),
        "x-amz-version-id": v.versionId,
        ...(v.lockMode ? { "x-amz-object-lock-mode": v.lockMode } : {}),
        ...(v.retainUntil ? { "x-amz-object-lock-retain-until-date": v.retainUntil.toISOString() } : {}),
      });
      return res.end(v.body);
    }

    if (req.method === "DELETE" && key) {
      const versionId = url.searchParams.get("versionId");
      if (versionId) {
        const versions = objects.get(key) ?? [];
        const v = versions.find((x) => x.versionId === versionId);
        if (!v) return error(res, 404, "NoSuchVersion", "The specified version does not exist.");
        if (v.retainUntil && v.retainUntil.getTime() > Date.now()) {
          return error(res, 403, "AccessDenied", "Access Denied because object protected by object lock.");
        }
        objects.set(
          key,
          versions.filter((x) => x !== v),
        );
        res.writeHead(204, { "x-amz-version-id": versionId });
        return res.end();
      }
      const marker: Version = {
        versionId: randomUUID().replaceAll("-", ""),
        body: null,
        etag: "",
        lastModified: new Date(),
      };
      objects.set(key, [...(objects.get(key) ?? []), marker]);
      res.writeHead(204, { "x-amz-delete-marker": "true", "x-amz-version-id": marker.versionId });
      return res.end();
    }

    if (req.method === "GET" && !key && url.searchParams.get("list-type") === "2") {
      const prefix = url.searchParams.get("prefix") ?? "";
      const max = Math.min(Number(url.searchParams.get("max-keys") ?? 1000), 1000);
      const after = url.searchParams.get("continuation-token") ?? url.searchParams.get("start-after") ?? "";
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after && current(k)).sort();
      const page = keys.slice(0, max);
      const truncated = keys.length > max;
      const contents = page
        .map((k) => {
          const v = current(k)!;
          return `<Contents><Key>${esc(k)}</Key><LastModified>${v.lastModified.toISOString()}</LastModified><ETag>${esc(v.etag)}</ETag><Size>${v.body!.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
        })
        .join("");
      return xml(
        res,
        200,
        `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${esc(opts.bucket)}</Name><Prefix>${esc(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${truncated ? `<NextContinuationToken>${esc(page.at(-1)!)}</NextContinuationToken>` : ""}</ListBucketResult>`,
      );
    }
    return error(
      res,
      501,
      "NotImplemented",
      `${req.method} ${url.pathname}${url.search} is not in this fake`,
    );
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks));
      requests.push({ method: req.method ?? "", key: req.url ?? "", status: res.statusCode });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bucket: opts.bucket,
    objects,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
