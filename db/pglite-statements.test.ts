import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preparingStatements } from "./pglite-statements";

// PGlite only: the wrapper is what the embedded mode runs on (Postgres has its own, in client.ts).
let raw: PGlite;
let pg: PGlite;
beforeAll(async () => {
  raw = await PGlite.create();
  pg = await preparingStatements(raw);
  await pg.exec(`
    create table things (id int primary key, name text not null, at timestamptz, tags text[], doc jsonb);
    insert into things values (1, 'one', '2026-01-02T03:04:05Z', '{a,b}', '{"k": [1, 2]}'), (2, 'two', null, null, null);
  `);
});
afterAll(async () => pg?.close());

const named = async () =>
  (await raw.query<{ name: string }>("select name from pg_prepared_statements order by name")).rows.map(
    (r) => r.name,
  );

describe("preparingStatements (PGlite)", () => {
  it("names a parameterised query once and answers as PGlite's own query does, in both row modes", async () => {
    const text = "select id, name, at, tags, doc from things where id = any($1::int[]) order by id";
    const before = await named();
    const mine = await pg.query(text, [[1, 2]]);
    const again = await pg.query(text, [[2]]);
    const theirs = await raw.query(text, [[1, 2]]);
    expect(mine.rows).toEqual(theirs.rows);
    expect(mine.fields).toEqual(theirs.fields);
    expect(again.rows).toEqual([{ id: 2, name: "two", at: null, tags: null, doc: null }]);
    expect(mine.rows[0]).toMatchObject({ tags: ["a", "b"], doc: { k: [1, 2] } });
    expect((await named()).length).toBe(before.length + 1);
    // Run on a generic plan from the first call: not re-planned for each set of values.
    const [plans] = (
      await raw.query<{ generic: number; custom: number }>(
        "select generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements where statement = $1",
        [text],
      )
    ).rows;
    expect(plans).toEqual({ generic: 2, custom: 0 });
    const asArrays = await pg.query(text, [[1]], { rowMode: "array", parsers: { 1184: (v: string) => v } });
    expect(asArrays.rows).toEqual([[1, "one", "2026-01-02 03:04:05+00", ["a", "b"], { k: [1, 2] }]]);
  });

  it("hands the statement's notices to the caller's onNotice, as PGlite's query does", async () => {
    await pg.exec(
      "create function shout(t text) returns int language plpgsql as $$ begin raise notice '%', t; return 1; end $$",
    );
    const heard: string[] = [];
    const onNotice = (n: { message?: string }) => heard.push(n.message ?? "");
    await pg.query("select shout($1)", ["first"], { onNotice });
    await pg.query("select shout($1)", ["again"], { onNotice });
    expect(heard).toEqual(["first", "again"]);
  });

  it("reports a failing statement with its code and query, and the session goes on", async () => {
    const insert = "insert into things (id, name) values ($1, $2)";
    await pg.query(insert, [3, "three"]);
    const err = await pg.query(insert, [3, "again"]).then(
      () => null,
      (e: unknown) => e as { code?: string; query?: string; params?: unknown[] },
    );
    expect(err).toMatchObject({ code: "23505", query: insert, params: [3, "again"] });
    expect((await pg.query("select count(*)::int as n from things where id = $1", [3])).rows).toEqual([
      { n: 1 },
    ]);
  });

  it("leaves a statement Postgres refuses to PGlite, which reports it as usual, and keeps none", async () => {
    const before = await named();
    await expect(pg.query("select nope from things where id = $1", [1])).rejects.toMatchObject({
      code: "42703",
      query: "select nope from things where id = $1",
    });
    expect(await named()).toEqual(before);
  });

  it("re-prepares after a change of table makes a kept statement's result type stale", async () => {
    await pg.exec("create table shifting (id int, a text)");
    await pg.exec("insert into shifting values (1, 'x')");
    const text = "select * from shifting where id = $1";
    expect((await pg.query(text, [1])).rows).toEqual([{ id: 1, a: "x" }]);
    const before = await named();
    await pg.exec("alter table shifting add column b text default 'y'");
    expect((await pg.query(text, [1])).rows).toEqual([{ id: 1, a: "x", b: "y" }]);
    // This call ran unnamed and dropped the stale statement; the next one names it afresh, under a new name.
    expect((await named()).length).toBe(before.length - 1);
    expect((await pg.query(text, [1])).rows).toEqual([{ id: 1, a: "x", b: "y" }]);
    const after = await named();
    expect(after.length).toBe(before.length);
    expect(after.filter((n) => !before.includes(n))).toHaveLength(1);
  });

  it("waits for an open transaction instead of running inside it", async () => {
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let inserted = () => {};
    const didInsert = new Promise<void>((r) => {
      inserted = r;
    });
    const tx = pg.transaction(async (t) => {
      await t.query("insert into things (id, name) values ($1, $2)", [10, "uncommitted"]);
      inserted();
      await held;
      await t.rollback();
    });
    await didInsert;
    const read = pg.query<{ n: number }>("select count(*)::int as n from things where id = $1", [10]);
    release();
    await tx;
    // Run inside the transaction, the read would have seen the row it then rolled back.
    expect((await read).rows).toEqual([{ n: 0 }]);
  });

  it("passes queries without parameters, and everything after close, to PGlite", async () => {
    const other = await preparingStatements(await PGlite.create());
    expect((await other.query<{ n: number }>("select 1 as n")).rows).toEqual([{ n: 1 }]);
    await other.close();
    await expect(other.query("select $1::int as n", [1])).rejects.toThrow(/closed/i);
  });
});
