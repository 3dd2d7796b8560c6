import { type PGlite, parse, protocol, type QueryOptions, type Results } from "@electric-sql/pglite";

/** Statements kept per database; past this, queries run unnamed (as PGlite does) rather than grow memory. */
const MAX_STATEMENTS = 500;

type Statement = { name: string; paramTypes: number[] };

/**
 * PGlite's `query` parses, describes and plans every statement on every call, in five calls into its
 * WebAssembly backend, on the same thread that renders pages. This makes it name each parameterised query
 * text once (Parse + Describe, once per database) and run it afterwards as one Bind, Describe, Execute and
 * Sync message, so Postgres can re-use the statement and, once it finds a generic plan as good, its plan.
 * It mirrors `PGlite.query` (`base.ts` in @electric-sql/pglite 0.5): the same two mutexes, parameter
 * serializers by the described types, `parseResults` for the rows, the error decorated with the query, and
 * a sync to the file system after each statement. Transactions keep PGlite's own path: their queries go
 * through the Transaction object it hands to the callback, not through this one.
 * Query texts are bounded: drizzle never inlines values into SQL here (no sql.raw in lib/).
 *
 * Kept statements run on generic plans (`plan_cache_mode = force_generic_plan`, for this session). Left to
 * choose, Postgres re-planned the inbox every time: a `limit $n` makes a generic plan look 60 times dearer
 * than it is, so it never won, and planning (3 ms) cost twice the run (1.5 ms). Queries are org-scoped
 * lookups and pages on indexes, where a generic plan is what a custom one would be. Only these statements
 * are affected: PGlite's own path (queries without parameters, and every query in a transaction) sends
 * unnamed statements, which Postgres always plans for their values.
 */
export async function preparingStatements(client: PGlite): Promise<PGlite> {
  await client.exec("set plan_cache_mode = force_generic_plan");
  const statements = new Map<string, Statement>();
  let made = 0; // names are never re-used, even after a statement is dropped
  let closed = false;

  async function prepare(text: string, options: QueryOptions | undefined): Promise<Statement | null> {
    const name = `elevate_${++made}`;
    const { messages } = await client.execProtocol(
      Buffer.concat([
        protocol.serialize.parse({ name, text, types: options?.paramTypes }),
        protocol.serialize.describe({ type: "S", name }),
        protocol.serialize.sync(),
      ]),
      { syncToFs: false, throwOnError: false },
    );
    // A statement Postgres refuses is not kept: PGlite's own path runs it and reports the error as usual.
    if (messages.some((m) => m.name === "error")) return null;
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    statements.set(text, statement);
    return statement;
  }

  async function run<T>(text: string, params: unknown[], options?: QueryOptions): Promise<Results<T> | null> {
    await client._checkReady();
    return client._runExclusiveTransaction(() =>
      client._runExclusiveQuery(async () => {
        const statement =
          statements.get(text) ?? (statements.size < MAX_STATEMENTS ? await prepare(text, options) : null);
        if (!statement) return null;
        const values = params.map((param, i) => {
          if (param === null || param === undefined) return null;
          const oid = statement.paramTypes[i];
          const serialize = options?.serializers?.[oid] ?? client.serializers[oid];
          return serialize ? serialize(param) : String(param);
        });
        let messages: Awaited<ReturnType<PGlite["execProtocol"]>>["messages"];
        try {
          ({ messages } = await client.execProtocol(
            Buffer.concat([
              protocol.serialize.bind({ statement: statement.name, values: values as (string | null)[] }),
              protocol.serialize.describe({ type: "P" }),
              protocol.serialize.execute({}),
              protocol.serialize.sync(),
            ]),
            { syncToFs: false, onNotice: options?.onNotice },
          ));
        } catch (e) {
          if (isDatabaseError(e) && e.code === "0A000") {
            // "cached plan must not change result type": a migration changed a table under the statement.
            // Drop it from both sides; it is prepared afresh on its next call.
            statements.delete(text);
            await client.execProtocol(
              Buffer.concat([
                protocol.serialize.close({ type: "S", name: statement.name }),
                protocol.serialize.sync(),
              ]),
              { syncToFs: false, throwOnError: false },
            );
            return null;
          }
          throw Object.assign(e as object, { query: text, params, queryOptions: options });
        }
        await client.syncToFs();
        return parse.parseResults(messages, client.parsers, options)[0] as Results<T>;
      }),
    );
  }

  return new Proxy(client, {
    get(target, prop) {
      if (prop === "query") {
        return async <T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> => {
          if (!closed && params?.length && !options?.blob) {
            const result = await run<T>(text, params, options);
            if (result) return result;
          }
          return target.query<T>(text, params, options);
        };
      }
      if (prop === "close") {
        return () => {
          closed = true;
          return target.close();
        };
      }
      const value = Reflect.get(target, prop, target);
      // PGlite keeps its state in private fields: its methods must run on the instance, not the proxy.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function isDatabaseError(e: unknown): e is { code?: string } {
  return typeof e === "object" && e !== null && "code" in e;
}
