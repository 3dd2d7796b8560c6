import nodemailer from "nodemailer";
import { env } from "@/lib/env";
import { Unavailable } from "@/lib/errors";

export type MailMessage = {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: Buffer | string; contentType?: string }[];
};

/**
 * Sends one message through the configured SMTP server (ELEVATE_SMTP_URL, or `opts.smtpUrl`). Throws when
 * no server is configured or the server refuses, so a workflow step retries.
 */
export async function sendMail(
  msg: MailMessage,
  opts: { smtpUrl?: string; from?: string } = {},
): Promise<{ messageId: string; accepted: string[] }> {
  const url = opts.smtpUrl ?? env().ELEVATE_SMTP_URL;
  if (!url) throw Unavailable("Mail is not configured (ELEVATE_SMTP_URL)");
  const transport = nodemailer.createTransport(url);
  try {
    const info = await transport.sendMail({
      from: opts.from ?? env().ELEVATE_MAIL_FROM,
      to: msg.to,
      subject: msg.subject,
      text: msg.text,
      html: msg.html,
      attachments: msg.attachments,
    });
    return {
      messageId: info.messageId,
      accepted: info.accepted.map((a) => (typeof a === "string" ? a : a.address)),
    };
  } finally {
    transport.close();
  }
}
