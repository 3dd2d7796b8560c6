import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Parsed, readRecords } from "./stream";

async function read(input: string | Buffer, cut: number[] = []): Promise<Parsed[]> {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input);
  const points = [...new Set(cut.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let at = 0;
  for (const p of [...points, buf.length]) {
    parts.push(buf.subarray(at, p));
    at = p;
  }
  const out: Parsed[] = [];
  for await (const b of readRecords(Readable.from(parts))) out.push(...b);
  return out;
}

const record = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
  ),
  { maxKeys: 5 },
);

describe("readRecords", () => {
  it("yields the same records whatever the wrapper and wherever the chunks are cut", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { maxLength: 8 }),
        fc.constantFrom("Records", "records", "Events", "array", "lines"),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (records, shape, cut) => {
          const text =
            shape === "array"
              ? JSON.stringify(records, null, 2)
              : shape === "lines"
                ? records.map((r) => `${JSON.stringify(r)}\n`).join("")
                : JSON.stringify({ before: { x: [1, "]"] }, [shape]: records, NextToken: "t" });
          const got = await read(text, cut);
          expect(got).toEqual(records.map((value) => ({ value })));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("reads gzip by its magic bytes and counts what it cannot read", async () => {
    expect(await read(gzipSync('{"records":[{"a":1},{"b":2}]}'), [3])).toEqual([
      { value: { a: 1 } },
      { value: { b: 2 } },
    ]);
    expect(await read(gzipSync('{"records":[{"a":1},{"b":2}]}').subarray(0, 20))).toEqual([
      { malformed: "truncated record" },
    ]);
    expect(await read('{"Records":[{"a":1},{"b":')).toEqual([
      { value: { a: 1 } },
      { malformed: "truncated record" },
    ]);
    expect(await read('{"Records":[{"a":1},3,"s",null,{"c":"}"}]}')).toEqual([
      { value: { a: 1 } },
      { malformed: "not an object" },
      { malformed: "not an object" },
      { malformed: "not an object" },
      { value: { c: "}" } },
    ]);
    expect(await read('{"a":1}\n{"b":2\n{"c":3}\nnot json\n')).toEqual([
      { value: { a: 1 } },
      { malformed: "truncated record" },
      { value: { c: 3 } },
      { malformed: "invalid JSON" },
    ]);
    const nonUtf8 = Buffer.concat([
      Buffer.from('[{"a":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"},{"b":1}]'),
    ]);
    expect(await read(nonUtf8)).toEqual([{ malformed: "not UTF-8" }, { value: { b: 1 } }]);
    expect(await read('[{"a":"\u0000"},{"b":1}]')).toEqual([
      { malformed: "invalid JSON" },
      { value: { b: 1 } },
    ]);
    const huge = `[{"a":"${"x".repeat(2 * 1024 * 1024)}"},{"b":1}]`;
    expect(await read(huge, [100, 1_000_000])).toEqual([
      { malformed: "record too large" },
      { value: { b: 1 } },
    ]);
  });
});
