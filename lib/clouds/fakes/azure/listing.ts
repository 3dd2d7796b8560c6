import type { FakeReply } from "@/lib/clouds/fakes/gcp/fake-http";
import { armError } from "./errors";
import { related, within } from "./scope";

type Listed = { scope: string; principalId: string };

const PRINCIPAL = /^principalId eq '([0-9a-f-]{36})'$/i;
const ASSIGNED_TO = /^assignedTo\('([0-9a-f-]{36})'\)$/i;
const AT_SCOPE_ASSIGNED_TO = /^atScope\(\) and assignedTo\('([0-9a-f-]{36})'\)$/i;

/**
 * `listForScope` by `$filter`, as the REST reference and "List Azure role assignments using the REST
 * API" describe it: `atScope()` is at or above the scope (never below); `principalId eq` and
 * `assignedTo()` are at, above or below for that principal; no filter is at, above and below.
 */
export function listFilter(scope: string, filter: string | null): ((x: Listed) => boolean) | FakeReply {
  const f = (filter ?? "").trim();
  if (f === "") return (x) => related(x.scope, scope);
  if (/^atScope\(\)$/i.test(f)) return (x) => within(scope, x.scope);
  const atAndFor = AT_SCOPE_ASSIGNED_TO.exec(f);
  if (atAndFor) return (x) => within(scope, x.scope) && x.principalId === atAndFor[1].toLowerCase();
  const principal = (PRINCIPAL.exec(f) ?? ASSIGNED_TO.exec(f))?.[1].toLowerCase();
  if (principal) return (x) => related(x.scope, scope) && x.principalId === principal;
  return armError(400, "BadRequest", `The filter '${f}' is not supported.`);
}
