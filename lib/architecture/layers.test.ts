import path from "node:path";
import { describe, expect, it } from "vitest";
import { cycles, importsOf, sourceFiles } from "./imports";

/**
 * The layer rules of HOUSE-STYLE.md, checked over every import: only lib/ (and db/) touch the database;
 * app/, components/ and inngest/ may import database *types* only; lib/ never reaches up into app/ or
 * components/; and no module imports itself through a cycle. A rule broken anywhere fails here, naming it.
 */
const ROOT = path.resolve(__dirname, "../..");
const DATABASE = [/^@\/db\/(?!schema(\/|$))/, /^drizzle-orm/, /^postgres$/, /^@electric-sql\/pglite/];
const files = (dir: string) => sourceFiles(ROOT, dir).filter((f) => !/\.test\.tsx?$|__tests__/.test(f));

describe("layer rules", () => {
  it("app/, components/ and inngest/ import no database code beyond types", () => {
    const broken: string[] = [];
    for (const f of ["app", "components", "inngest"].flatMap(files)) {
      for (const i of importsOf(ROOT, f)) {
        const database = DATABASE.some((re) => re.test(i.specifier));
        const schemaValue = /^@\/db\/schema/.test(i.specifier) && !i.typeOnly;
        if ((database && !i.typeOnly) || schemaValue) broken.push(`${f} imports ${i.specifier}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("lib/ imports nothing from app/ or components/", () => {
    const broken = files("lib").flatMap((f) =>
      importsOf(ROOT, f)
        .filter((i) => /^(app|components)\//.test(i.resolved ?? ""))
        .map((i) => `${f} imports ${i.specifier}`),
    );
    expect(broken).toEqual([]);
  });

  it("has no import cycles", () => {
    const graph = new Map<string, string[]>();
    for (const f of ["app", "components", "lib", "db", "inngest", "cli"].flatMap(files)) {
      graph.set(
        f,
        importsOf(ROOT, f)
          .filter((i) => !i.typeOnly && i.resolved)
          .map((i) => i.resolved as string),
      );
    }
    expect(cycles(graph)).toEqual([]);
  });

  it("the checker itself finds a cycle and a type-only import (so the rules above can fail)", () => {
    expect(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", ["a"]],
          ["c", []],
        ]),
      ),
    ).toEqual([["a", "b"]]);
    const self = importsOf(ROOT, "lib/architecture/layers.test.ts");
    expect(self.some((i) => i.specifier === "./imports" && !i.typeOnly)).toBe(true);
  });
});
