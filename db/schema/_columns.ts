import { sql } from "drizzle-orm";
import { type AnyPgColumn, check, timestamp, uuid } from "drizzle-orm/pg-core";

export const id = () => uuid("id").primaryKey().defaultRandom();
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
export const createdAt = () => ts("created_at").notNull().defaultNow();

/** `CHECK (column IN (...))` over one of the tuples in ./enums, so the database refuses any other value. */
export function oneOf(name: string, column: AnyPgColumn, values: readonly string[]) {
  return check(name, sql`${column} in (${sql.raw(values.map(quote).join(", "))})`);
}

/** Every element of a text[] column is one of `values` (`<@`: contained in). */
export function allOf(name: string, column: AnyPgColumn, values: readonly string[]) {
  return check(name, sql`${column} <@ array[${sql.raw(values.map(quote).join(", "))}]::text[]`);
}

const quote = (v: string) => `'${v.replaceAll("'", "''")}'`;
