import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script (it runs before any build), without type declarations
import { patchSource } from "./driver-patch.mjs";

// What the patch does is tested where it matters: the connection-reset faults terminate a transaction's
// backend on a real server (lib/grants/__tests__/faults, when DATABASE_URL is set) and fail on the
// uncaught exception the unpatched driver throws.
describe("postgres.js write-scheduler patch (db/driver-patch.mjs)", () => {
  it("is applied to every build of the driver in node_modules, and applying it again changes nothing", () => {
    for (const rel of ["src/connection.js", "cjs/src/connection.js"]) {
      const source = readFileSync(path.join(process.cwd(), "node_modules/postgres", rel), "utf8");
      expect(source, rel).toContain("if (!socket) { /* elevate: driver-patch */");
      expect(patchSource(source).state).toBe("already patched");
    }
    expect(() => patchSource("function nextWrite(fn) { return 1 }")).toThrow(
      /nextWrite writes only to a live socket/,
    );
  });
});
