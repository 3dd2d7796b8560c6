import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeMailTransports, MailError, sendMail } from "@/lib/delivery/email";
import { startTestSmtp } from "@/lib/testing/smtp";

// A real round trip: nodemailer speaks SMTP to smtp-server on 127.0.0.1 (lib/testing/smtp.ts).
describe("sendMail → smtp-server", () => {
  let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
  beforeAll(async () => {
    smtp = await startTestSmtp();
  });
  afterAll(async () => {
    closeMailTransports();
    await smtp.close();
  });

  it("delivers text, html and an attachment to every recipient on one envelope", async () => {
    const before = smtp.messages.length;
    const sent = await sendMail(
      {
        to: ["avery@acme.example", "jordan@acme.example"],
        subject: "Approve: Riley asks for read-logs on prod",
        text: "Riley Requester asks for 60 minutes.",
        html: "<p>Riley Requester asks for <b>60 minutes</b>.</p>",
        attachments: [{ filename: "evidence.csv", content: "a,b\n1,2\n", contentType: "text/csv" }],
      },
      { smtpUrl: smtp.url, from: "Elevate <elevate@acme.example>" },
    );
    expect(sent.accepted.sort()).toEqual(["avery@acme.example", "jordan@acme.example"]);
    expect(sent.messageId).toMatch(/^<.+@.+>$/);
    expect(smtp.messages.length).toBe(before + 1);
    const m = smtp.messages[smtp.messages.length - 1];
    expect(m.from).toBe("elevate@acme.example");
    expect(m.to.sort()).toEqual(["avery@acme.example", "jordan@acme.example"]);
    expect(m.raw).toMatch(/^Subject: Approve: Riley asks for read-logs on prod\r?$/m);
    expect(m.raw).toMatch(/^Message-ID: <.+>\r?$/im);
    expect(m.raw).toContain(`Message-ID: ${sent.messageId}`);
    expect(m.raw).toMatch(/Content-Type: text\/html/);
    expect(m.raw).toMatch(/Content-Type: text\/csv; name=evidence\.csv/);
    // The attachment is base64 in the MIME part (RFC 2045 §6.8): decode what the server got.
    expect(m.raw).toContain(Buffer.from("a,b\n1,2\n").toString("base64"));
  });

  it("refuses malformed messages before any connection, naming the field", async () => {
    const before = smtp.messages.length;
    const base = { to: ["a@acme.example"], subject: "s", text: "t" };
    await expect(sendMail({ ...base, to: [] }, { smtpUrl: smtp.url })).rejects.toMatchObject({ field: "to" });
    await expect(sendMail({ ...base, to: ["not an address"] }, { smtpUrl: smtp.url })).rejects.toBeInstanceOf(
      MailError,
    );
    await expect(
      sendMail({ ...base, subject: "x\r\nBcc: victim@example.com" }, { smtpUrl: smtp.url }),
    ).rejects.toMatchObject({ field: "subject" });
    await expect(sendMail(base, { smtpUrl: "http://127.0.0.1:25" })).rejects.toMatchObject({
      field: "smtpUrl",
    });
    expect(smtp.messages.length).toBe(before);
  });

  it("rejects when the server cannot be reached (a workflow step retries)", async () => {
    const dead = await startTestSmtp();
    const url = dead.url;
    await dead.close();
    await expect(
      sendMail({ to: ["a@acme.example"], subject: "s", text: "t" }, { smtpUrl: url }),
    ).rejects.toThrow();
  });
});
