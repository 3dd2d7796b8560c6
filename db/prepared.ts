import type { Db } from "./client";

/**
 * A prepared query built once per database handle: drizzle builds a query's SQL on every call otherwise,
 * which costs a page more CPU than the database spends answering. `build` receives the handle and returns
 * the prepared query, with sql.placeholder() where values change per call.
 */
export function preparedPerDb<Q>(build: (db: Db) => Q): (db: Db) => Q {
  const byShape = preparedPerShape((db: Db, _shape: Record<never, never>) => build(db));
  return (db) => byShape(db, {});
}

/**
 * As preparedPerDb, for a query whose optional filters change its SQL: one prepared query per handle and
 * shape (which filters are present), so a list with three optional filters has at most eight. Values stay
 * placeholders; a shape holds only booleans and names.
 */
export function preparedPerShape<S extends Record<string, boolean | string>, Q>(
  build: (db: Db, shape: S) => Q,
): (db: Db, shape: S) => Q {
  const byDb = new WeakMap<Db, Map<string, Q>>();
  return (db, shape) => {
    let byShape = byDb.get(db);
    if (!byShape) {
      byShape = new Map();
      byDb.set(db, byShape);
    }
    const key = JSON.stringify(shape);
    let q = byShape.get(key);
    if (!q) {
      q = build(db, shape);
      byShape.set(key, q);
    }
    return q;
  };
}
