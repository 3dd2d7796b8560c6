import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { TicketRow } from "@/components/requests/ticket-row";
import { safeHref, withQuery } from "../href";

describe("safeHref", () => {
  it.each([
    ["https://tickets.example/INC-42", "https://tickets.example/INC-42"],
    ["http://tickets.example/a?b=c#d", "http://tickets.example/a?b=c#d"],
    ["HTTPS://Tickets.Example/X", "https://tickets.example/X"],
  ])("keeps the http(s) link %j", (url, href) => {
    expect(safeHref(url)).toBe(href);
  });

  it.each([
    "data:text/html,<script>alert(1)</script>",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "\u0001javascript:alert(1)",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.com/x",
    "//evil.example/x",
    "/relative/path",
    "not a url",
    "",
    null,
    undefined,
  ])("refuses %j", (url) => {
    expect(safeHref(url)).toBeUndefined();
  });
});

describe("TicketRow", () => {
  const render = (url: string) => renderToStaticMarkup(createElement(TicketRow, { url }));

  it("renders an http(s) ticket as a link", () => {
    expect(render("https://tickets.example/INC-42")).toContain('<a href="https://tickets.example/INC-42"');
  });

  it("renders a data: or javascript: ticket as text, never as a link", () => {
    for (const url of ["data:text/html,<b>x</b>", "javascript:alert(1)"]) {
      const html = render(url);
      expect(html).not.toContain("<a");
      expect(html).not.toContain("href");
      expect(html).toContain("Ticket");
    }
  });
});

describe("withQuery", () => {
  it("drops blank filters", () => {
    expect(withQuery("/audit", { actor: "a", action: "" })).toBe("/audit?actor=a");
  });
});
