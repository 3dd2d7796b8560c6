import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/lib/env";

/**
 * Outgoing mail: one SMTP transport per server URL (pooled connections), configured by the operator
 * (ELEVATE_SMTP_URL, ELEVATE_MAIL_FROM) or per call. Callers build the message; this only delivers it.
 * The SMTP URL belongs to the operator (an environment variable), so it is not an admin-set endpoint and
 * does not go through the egress allowlist.
 */
export type MailMessage = {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: Buffer | string; contentType?: string }[];
};

export const DEFAULT_MAIL_FROM = "Elevate <elevate@localhost>";

/** A single address as RFC 5321 mailboxes are written in practice: local@domain, no spaces or brackets. */
const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$|^[^\s@<>()",;:]+@localhost$/i;

export class MailError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "MailError";
  }
}

const transports = new Map<string, Transporter>();

function transportFor(smtpUrl: string): Transporter {
  let t = transports.get(smtpUrl);
  if (!t) {
    // Pooled: a fan-out to many people reuses a few connections instead of one per message. nodemailer
    // reads options from the URL's query when given a URL, so the pool goes there (unless the URL says).
    const u = new URL(smtpUrl);
    if (!u.searchParams.has("pool")) u.searchParams.set("pool", "true");
    t = nodemailer.createTransport(u.toString());
    transports.set(smtpUrl, t);
  }
  return t;
}

/** Closes every pooled SMTP connection (tests, shutdown). */
export function closeMailTransports(): void {
  for (const t of transports.values()) t.close();
  transports.clear();
}

function check(msg: MailMessage): void {
  if (!Array.isArray(msg.to) || msg.to.length === 0) throw new MailError("to: at least one address", "to");
  for (const a of msg.to) {
    if (typeof a !== "string" || !ADDRESS.test(a))
      throw new MailError(`to: not an email address: ${a}`, "to");
  }
  if (typeof msg.subject !== "string" || /[\r\n]/.test(msg.subject)) {
    throw new MailError("subject: one line of text", "subject");
  }
  if (typeof msg.text !== "string") throw new MailError("text: required", "text");
}

/**
 * Sends one message (all recipients on one envelope). Resolves with the server's message id and the
 * recipients it accepted; rejects when no SMTP server is configured, the message is malformed, or the
 * server refuses every recipient or cannot be reached (callers running in a workflow step retry).
 */
export async function sendMail(
  msg: MailMessage,
  opts: { smtpUrl?: string; from?: string } = {},
): Promise<{ messageId: string; accepted: string[] }> {
  check(msg);
  const e = env();
  const smtpUrl = opts.smtpUrl ?? e.ELEVATE_SMTP_URL;
  if (!smtpUrl) throw new MailError("no SMTP server configured: set ELEVATE_SMTP_URL", "smtpUrl");
  if (!URL.canParse(smtpUrl) || !/^smtps?:$/.test(new URL(smtpUrl).protocol)) {
    throw new MailError("smtpUrl: must be an smtp:// or smtps:// URL", "smtpUrl");
  }
  const from = opts.from ?? e.ELEVATE_MAIL_FROM ?? DEFAULT_MAIL_FROM;
  const info = await transportFor(smtpUrl).sendMail({
    from,
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    html: msg.html,
    attachments: msg.attachments?.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
    })),
  });
  const accepted = (info.accepted as (string | { address: string })[]).map((a) =>
    typeof a === "string" ? a : a.address,
  );
  return { messageId: String(info.messageId), accepted };
}
