import { invalidPath, invalidValue, mutability, noTarget } from "./errors";
import { type AttrPath, containerFor, type Filter, keyOf, matches, parsePatchPath } from "./filter";
import type { PatchRequest } from "./schemas";

type Json = unknown;
type Obj = Record<string, Json>;
const isObject = (v: Json): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export type PatchRules = {
  /** Lower-cased names of multi-valued attributes (`emails`, `members`). */
  multi: ReadonlySet<string>;
  /** Lower-cased attributes the client may not change (`id`, `meta`); set to their current value: ignored. */
  readOnly: ReadonlySet<string>;
};

/**
 * Applies PATCH operations (RFC 7644 §3.5.2) to a resource's JSON and returns the new JSON; the caller
 * validates it as it would a PUT. Accepts what Okta and Entra ID send: op names in any case, operations
 * without a path whose value is an object of attributes (keys may be paths: "name.givenName", URNs),
 * `remove` of `members` with a value list, string booleans (left to the schema's coercion).
 */
export function applyPatch(resource: Obj, request: PatchRequest, rules: PatchRules): Obj {
  const out = structuredClone(resource);
  for (const [i, op] of request.Operations.entries()) {
    const where = `Operations.${i}`;
    if (!op.path) {
      if (op.op === "remove") throw noTarget(`${where}: remove needs a path`);
      if (!isObject(op.value))
        throw invalidValue(`${where}.value: must be an object of attributes when there is no path`);
      for (const [key, value] of Object.entries(op.value)) applyOne(out, op.op, key, value, rules, where);
    } else {
      applyOne(out, op.op, op.path, op.value, rules, where);
    }
  }
  return out;
}

function applyOne(
  res: Obj,
  op: "add" | "remove" | "replace",
  pathText: string,
  value: Json,
  rules: PatchRules,
  where: string,
) {
  let parsed: ReturnType<typeof parsePatchPath>;
  try {
    parsed = parsePatchPath(pathText);
  } catch (e) {
    throw invalidPath(`${where}.path: ${(e as Error).message}`);
  }
  const { path, filter } = parsed;
  if (rules.readOnly.has(path.attr)) {
    if (op !== "remove" && path.sub === null && filter === null && sameJson(getIn(res, path), value)) return;
    throw mutability(`${where}.path: ${pathText} is read-only`);
  }
  const container = ensureContainer(res, path, op !== "remove");
  if (!container) {
    if (op === "remove") return;
    throw noTarget(`${where}.path: ${pathText} has no target`);
  }
  const key = keyOf(container, path.attr) ?? path.as?.attr ?? path.attr;
  const multi = rules.multi.has(path.attr);

  if (filter) return applyFiltered(container, key, op, path, filter, value, where, pathText);

  if (path.sub !== null && !multi) {
    const current = container[key];
    if (op === "remove") {
      if (isObject(current)) deleteKey(current, path.sub);
      return;
    }
    const obj = isObject(current) ? current : {};
    obj[keyOf(obj, path.sub) ?? path.as?.sub ?? path.sub] = value;
    container[key] = obj;
    return;
  }
  if (multi) {
    const list = Array.isArray(container[key]) ? (container[key] as Json[]) : [];
    if (op === "remove") {
      // Entra removes members by sending them as the value; without a value the whole attribute goes.
      if (value === undefined || value === null) {
        delete container[key];
        return;
      }
      const gone = new Set(asList(value).map(itemValue));
      container[key] = list.filter((item) => !gone.has(itemValue(item)));
      return;
    }
    const incoming = asList(value);
    if (op === "replace") {
      container[key] = incoming;
      return;
    }
    const have = new Set(list.map(itemValue));
    container[key] = [...list, ...incoming.filter((item) => !have.has(itemValue(item)))];
    return;
  }
  if (op === "remove") deleteKey(container, path.attr);
  else if (op === "add" && isObject(value) && isObject(container[key]))
    Object.assign(container[key] as Obj, value);
  else container[key] = value;
}

function applyFiltered(
  container: Obj,
  key: string,
  op: "add" | "remove" | "replace",
  path: AttrPath,
  filter: Filter,
  value: Json,
  where: string,
  pathText: string,
) {
  const list = Array.isArray(container[key]) ? (container[key] as Json[]) : [];
  const hit = (item: Json) => isObject(item) && matches(filter, item);
  if (op === "remove") {
    container[key] =
      path.sub === null
        ? list.filter((item) => !hit(item))
        : list.map((item) => {
            if (!hit(item)) return item;
            const copy = { ...(item as Obj) };
            deleteKey(copy, path.sub as string);
            return copy;
          });
    return;
  }
  if (!list.some(hit)) throw noTarget(`${where}.path: no value matches ${pathText}`);
  container[key] = list.map((item) => {
    if (!hit(item)) return item;
    if (path.sub !== null)
      return { ...(item as Obj), [keyOf(item as Obj, path.sub) ?? path.as?.sub ?? path.sub]: value };
    if (!isObject(value)) throw invalidValue(`${where}.value: must be an object for ${pathText}`);
    return op === "replace" ? value : { ...(item as Obj), ...value };
  });
}

/** The object that holds the attribute: the resource, or its extension's object (created on write). */
function ensureContainer(res: Obj, path: AttrPath, create: boolean): Obj | null {
  const found = containerFor(res, path.schema);
  if (found || !create || path.schema === null) return found;
  const ext: Obj = {};
  res[path.schema] = ext;
  return ext;
}

function getIn(res: Obj, path: AttrPath): Json {
  const c = containerFor(res, path.schema);
  const k = c ? keyOf(c, path.attr) : undefined;
  return c && k ? c[k] : undefined;
}

function deleteKey(obj: Obj, name: string) {
  const k = keyOf(obj, name);
  if (k !== undefined) delete obj[k];
}

const asList = (v: Json): Json[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const itemValue = (item: Json): Json => (isObject(item) ? item[keyOf(item, "value") ?? "value"] : item);
const sameJson = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);
