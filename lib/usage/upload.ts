import { assertPermission, type Ctx } from "@/lib/ctx";
import { Validation } from "@/lib/errors";
import { importUsage, type UsageImportSummary } from "./import";

/** One upload's limit: a day of CloudTrail for a busy account, gzipped. Bigger inputs go through the CLI. */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/** Uploads from this size are mapped in a worker thread (lib/usage/ingest/pipeline.ts). */
export const PARALLEL_FROM_BYTES = 16 * 1024 * 1024;
const TOO_LARGE = `larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB (use \`elevate usage import\` for more)`;

/** The body, streamed, refused once it passes the limit (declared or actually sent). */
async function* limited(body: AsyncIterable<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) throw Validation("content", TOO_LARGE);
    yield chunk;
  }
}

/**
 * An upload from the portal: checks the permission and the declared size before reading a byte, then
 * streams the body through the import (constant memory). Events stored before a refusal stay: re-uploading
 * the file is safe, they count as duplicates.
 */
export async function uploadUsage({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    name: string;
    target: string | null;
    contentLength: number;
    body: AsyncIterable<Uint8Array> | null;
  };
}): Promise<UsageImportSummary> {
  assertPermission(ctx, "targets.manage");
  if (input.contentLength > MAX_UPLOAD_BYTES) throw Validation("content", TOO_LARGE);
  const body = input.body;
  return importUsage({
    ctx,
    input: { source: "upload", name: input.name || "upload", target: input.target },
    inputs: body ? [{ name: input.name, stream: limited(body, MAX_UPLOAD_BYTES) }] : [],
    parallel: input.contentLength >= PARALLEL_FROM_BYTES,
  });
}
