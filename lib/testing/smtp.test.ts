import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { startTestSmtp } from "@/lib/testing/smtp";

/** Speaks SMTP by hand (RFC 5321 §3.3 mail transaction): the oracle is the protocol, not nodemailer. */
async function converse(url: string, lines: string[]): Promise<string[]> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const replies: string[] = [];
  let buffer = "";
  const waitReply = () =>
    new Promise<string>((resolve) => {
      const onData = (d: Buffer) => {
        buffer += d.toString();
        // A reply ends with a line "NNN text" (no hyphen after the code): RFC 5321 §4.2.1.
        const m = /(^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buffer);
        if (m) {
          socket.off("data", onData);
          const reply = buffer;
          buffer = "";
          resolve(reply);
        }
      };
      socket.on("data", onData);
    });
  replies.push(await waitReply());
  for (const line of lines) {
    socket.write(`${line}\r\n`);
    replies.push(await waitReply());
  }
  socket.end();
  return replies;
}

describe("startTestSmtp", () => {
  it("accepts a hand-written SMTP transaction and keeps envelope and raw message", async () => {
    const smtp = await startTestSmtp();
    try {
      expect(smtp.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
      const replies = await converse(smtp.url, [
        "EHLO client.test",
        "MAIL FROM:<ops@acme.example>",
        "RCPT TO:<avery@acme.example>",
        "RCPT TO:<jordan@acme.example>",
        "DATA",
        "Subject: hello\r\n\r\nbody line\r\n.",
        "QUIT",
      ]);
      expect(replies.map((r) => r.trimEnd().split("\r\n").at(-1)?.slice(0, 3))).toEqual([
        "220",
        "250",
        "250",
        "250",
        "250",
        "354",
        "250",
        "221",
      ]);
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0].from).toBe("ops@acme.example");
      expect(smtp.messages[0].to).toEqual(["avery@acme.example", "jordan@acme.example"]);
      expect(smtp.messages[0].raw).toContain("Subject: hello");
      expect(smtp.messages[0].raw).toContain("body line");
    } finally {
      await smtp.close();
    }
  });
});
