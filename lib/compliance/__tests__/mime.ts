/**
 * Just enough of a MIME reader for tests (no mail parser is installed): header unfolding (RFC 5322 §2.2.3),
 * multipart bodies split on their boundary (RFC 2046 §5.1.1), base64 and quoted-printable transfer
 * encodings (RFC 2045 §6.7-6.8). Reads what a real SMTP server received, written by nodemailer.
 */
export type MimePart = { headers: Map<string, string>; body: Buffer };

function headersOf(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

function decode(body: string, encoding: string | undefined): Buffer {
  const e = (encoding ?? "7bit").toLowerCase();
  if (e === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64");
  if (e === "quoted-printable")
    return Buffer.from(
      body
        .replace(/=\r\n/g, "")
        .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
      "latin1",
    );
  return Buffer.from(body, "utf8");
}

/** The message's headers and its leaf parts (a single-part message is its own one part). */
export function readMime(raw: string): { headers: Map<string, string>; parts: MimePart[] } {
  const split = raw.indexOf("\r\n\r\n");
  const headers = headersOf(raw.slice(0, split));
  return { headers, parts: partsOf(headers, raw.slice(split + 4)) };
}

function partsOf(headers: Map<string, string>, body: string): MimePart[] {
  const type = headers.get("content-type") ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!type.toLowerCase().startsWith("multipart/") || !boundary)
    return [{ headers, body: decode(body, headers.get("content-transfer-encoding")) }];
  return body
    .split(`--${boundary}`)
    .slice(1)
    .filter((chunk) => !chunk.startsWith("--"))
    .flatMap((chunk) => {
      const text = chunk.replace(/^\r\n/, "").replace(/\r\n$/, "");
      const at = text.indexOf("\r\n\r\n");
      const h = headersOf(text.slice(0, at));
      return partsOf(h, text.slice(at + 4));
    });
}
