import { describe, expect, it } from "vitest";
import { findIllFormedText, illFormedIn } from "./text";

describe("illFormedIn", () => {
  it.each([
    ["a\u0000b", "a NUL character"],
    ["\ud800", "an unpaired surrogate (not valid Unicode)"],
    ["x\udbffy", "an unpaired surrogate (not valid Unicode)"],
    ["\udc00", "an unpaired surrogate (not valid Unicode)"],
    ["🔥\udc00", "an unpaired surrogate (not valid Unicode)"],
    ["\ud83d", "an unpaired surrogate (not valid Unicode)"],
  ])("finds what is wrong in %j", (text, what) => {
    expect(illFormedIn(text)).toBe(what);
  });

  it.each(["", "plain", "🔥 pairs are fine", "tab\tand\nnewline", "\u00ff\uffff", "\u0001"])(
    "accepts %j",
    (text) => {
      expect(illFormedIn(text)).toBeUndefined();
    },
  );
});

describe("findIllFormedText", () => {
  it("names the first bad field by its dotted path, keys included", () => {
    expect(findIllFormedText("a\u0000")).toEqual({
      path: "input",
      problem: "must not contain a NUL character",
    });
    expect(findIllFormedText({ a: "ok", b: { c: ["ok", "x\ud800"] } })?.path).toBe("b.c.1");
    expect(findIllFormedText({ settings: { "k\u0000": 1 } })).toEqual({
      path: "settings",
      problem: "has a field name containing a NUL character",
    });
  });

  it("passes well-formed input and ignores non-plain objects and cycles", () => {
    const cyclic: Record<string, unknown> = { name: "ok" };
    cyclic.self = cyclic;
    expect(findIllFormedText(cyclic)).toBeUndefined();
    expect(findIllFormedText({ at: new Date(), n: 1, f: null, u: undefined, m: new Map() })).toBeUndefined();
  });

  it("walks a body nested deeper than the call stack would allow, in linear time", () => {
    // 64 KiB of "[" is the deepest body the API accepts; a recursive walk would overflow the stack.
    const depth = 32_768;
    const deep = JSON.parse(`${"[".repeat(depth)}"\\u0000"${"]".repeat(depth)}`);
    const t0 = performance.now();
    expect(findIllFormedText(deep)?.path).toBe(Array(depth).fill("0").join("."));
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
