import { invalidFilter } from "./errors";

/**
 * SCIM filters (RFC 7644 §3.4.2.2): a tokenizer and a recursive-descent parser with the RFC's precedence
 * (`not` binds tightest, then `and`, then `or`; parentheses group; `attr[filter]` value paths), and an
 * evaluator over a resource's JSON. Attribute names are case-insensitive (RFC 7643 §2.1). No regular
 * expression is ever built from the input; input size, token count and nesting are bounded.
 */
export type AttrPath = {
  schema: string | null;
  attr: string;
  sub: string | null;
  /** The names as written, for a key PATCH creates (lookups ignore case; new keys keep the client's). */
  as?: { attr: string; sub: string | null };
};
export const COMPARE_OPS = ["eq", "ne", "co", "sw", "ew", "gt", "lt", "ge", "le"] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];
export type CompValue = string | number | boolean | null;
export type Filter =
  | { op: "and" | "or"; left: Filter; right: Filter }
  | { op: "not"; filter: Filter }
  | { op: "pr"; path: AttrPath }
  | { op: CompareOp; path: AttrPath; value: CompValue }
  | { op: "valuePath"; path: AttrPath; filter: Filter };

export const MAX_FILTER_LENGTH = 2000;
const MAX_TOKENS = 400;
const MAX_DEPTH = 32;

type Token =
  | { kind: "(" | ")" | "[" | "]"; at: number }
  | { kind: "word"; text: string; at: number }
  | { kind: "string"; value: string; at: number }
  | { kind: "number"; value: number; at: number };

const isWordChar = (c: string) =>
  (c >= "a" && c <= "z") ||
  (c >= "A" && c <= "Z") ||
  (c >= "0" && c <= "9") ||
  c === "_" ||
  c === "-" ||
  c === "." ||
  c === ":" ||
  c === "$";
const isDigit = (c: string) => c >= "0" && c <= "9";

export function tokenize(text: string): Token[] {
  if (text.length > MAX_FILTER_LENGTH)
    throw invalidFilter(`filter is longer than ${MAX_FILTER_LENGTH} characters`);
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i += 1;
    } else if (c === "(" || c === ")" || c === "[" || c === "]") {
      out.push({ kind: c, at: i });
      i += 1;
    } else if (c === '"') {
      // A JSON string (RFC 7644 compValue = string per RFC 7159): find its end, then let JSON.parse decode.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (j >= text.length) throw invalidFilter(`unterminated string at position ${i}`);
      let value: string;
      try {
        value = JSON.parse(text.slice(i, j + 1)) as string;
      } catch {
        throw invalidFilter(`malformed string at position ${i}`);
      }
      out.push({ kind: "string", value, at: i });
      i = j + 1;
    } else if (isDigit(c) || (c === "-" && isDigit(text[i + 1] ?? ""))) {
      let j = i + 1;
      while (j < text.length && (isDigit(text[j]) || "eE.+-".includes(text[j]))) j += 1;
      const value = Number(text.slice(i, j));
      if (!Number.isFinite(value)) throw invalidFilter(`malformed number at position ${i}`);
      out.push({ kind: "number", value, at: i });
      i = j;
    } else if (isWordChar(c)) {
      let j = i + 1;
      while (j < text.length && isWordChar(text[j])) j += 1;
      out.push({ kind: "word", text: text.slice(i, j), at: i });
      i = j;
    } else {
      throw invalidFilter(`unexpected character ${JSON.stringify(c)} at position ${i}`);
    }
    if (out.length > MAX_TOKENS) throw invalidFilter(`filter has more than ${MAX_TOKENS} tokens`);
  }
  return out;
}

const NAME_START = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
const validName = (s: string) =>
  s.length > 0 && NAME_START(s[0]) && [...s].every((c) => isWordChar(c) && c !== "." && c !== ":");

/** `[URI ":"] ATTRNAME ["." subAttr]`, lower-cased; the URN is what comes before the last colon. */
export function parseAttrPath(word: string): AttrPath {
  const colon = word.lastIndexOf(":");
  const schema = colon >= 0 ? word.slice(0, colon).toLowerCase() : null;
  const rest = colon >= 0 ? word.slice(colon + 1) : word;
  const dot = rest.indexOf(".");
  const attr = dot >= 0 ? rest.slice(0, dot) : rest;
  const sub = dot >= 0 ? rest.slice(dot + 1) : null;
  if (
    !validName(attr) ||
    (sub !== null && !validName(sub)) ||
    (schema !== null && !schema.startsWith("urn:"))
  )
    throw invalidFilter(`"${word}" is not an attribute path`);
  return { schema, attr: attr.toLowerCase(), sub: sub?.toLowerCase() ?? null, as: { attr, sub } };
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private keyword(word: string): boolean {
    const t = this.peek();
    return t?.kind === "word" && t.text.toLowerCase() === word;
  }
  expect(kind: "(" | ")" | "[" | "]"): void {
    const t = this.peek();
    if (t?.kind !== kind)
      throw invalidFilter(`expected "${kind}" ${t ? `at position ${t.at}` : "at the end"}`);
    this.pos += 1;
  }
  done(): boolean {
    return this.pos >= this.tokens.length;
  }

  or(): Filter {
    if (++this.depth > MAX_DEPTH) throw invalidFilter(`filter nests deeper than ${MAX_DEPTH}`);
    let left = this.and();
    while (this.keyword("or")) {
      this.pos += 1;
      left = { op: "or", left, right: this.and() };
    }
    this.depth -= 1;
    return left;
  }
  private and(): Filter {
    let left = this.not();
    while (this.keyword("and")) {
      this.pos += 1;
      left = { op: "and", left, right: this.not() };
    }
    return left;
  }
  private not(): Filter {
    if (this.keyword("not") && this.tokens[this.pos + 1]?.kind === "(") {
      this.pos += 1;
      return { op: "not", filter: this.group() };
    }
    return this.atom();
  }
  private group(): Filter {
    this.expect("(");
    const inner = this.or();
    this.expect(")");
    return inner;
  }
  private atom(): Filter {
    const t = this.peek();
    if (t?.kind === "(") return this.group();
    if (t?.kind !== "word")
      throw invalidFilter(`expected an attribute ${t ? `at position ${t.at}` : "at the end"}`);
    this.pos += 1;
    const path = parseAttrPath(t.text);
    if (this.peek()?.kind === "[") {
      this.pos += 1;
      const filter = this.or();
      this.expect("]");
      return { op: "valuePath", path, filter };
    }
    const opTok = this.peek();
    if (opTok?.kind !== "word") throw invalidFilter(`expected an operator after ${t.text}`);
    const op = opTok.text.toLowerCase();
    this.pos += 1;
    if (op === "pr") return { op: "pr", path };
    if (!(COMPARE_OPS as readonly string[]).includes(op))
      throw invalidFilter(`unknown operator "${opTok.text}"`);
    return { op: op as CompareOp, path, value: this.value() };
  }
  private value(): CompValue {
    const t = this.peek();
    this.pos += 1;
    if (t?.kind === "string" || t?.kind === "number") return t.value;
    if (t?.kind === "word") {
      const w = t.text.toLowerCase();
      if (w === "true") return true;
      if (w === "false") return false;
      if (w === "null") return null;
    }
    throw invalidFilter(
      `expected a value (string, number, true, false or null) ${t ? `at position ${t.at}` : "at the end"}`,
    );
  }
}

export function parseFilter(text: string): Filter {
  const parser = new Parser(tokenize(text));
  if (parser.done()) throw invalidFilter("filter is empty");
  const filter = parser.or();
  const rest = parser.peek();
  if (rest) throw invalidFilter(`unexpected input at position ${rest.at}`);
  return filter;
}

/** A PATCH path (RFC 7644 §3.5.2): `attrPath`, or `attrPath[valFilter]` optionally followed by `.subAttr`. */
export type PatchPath = { path: AttrPath; filter: Filter | null };
export function parsePatchPath(text: string): PatchPath {
  const tokens = tokenize(text);
  const first = tokens[0];
  if (first?.kind !== "word") throw invalidFilter(`"${text}" is not a path`);
  const path = parseAttrPath(first.text);
  if (tokens.length === 1) return { path, filter: null };
  const parser = new Parser(tokens.slice(1));
  parser.expect("[");
  const filter = parser.or();
  parser.expect("]");
  const tail = parser.peek();
  if (tail?.kind === "word" && tail.text.startsWith(".") && tokens.at(-1) === tail) {
    if (path.sub) throw invalidFilter(`"${text}" is not a path`);
    const sub = tail.text.slice(1);
    if (!validName(sub)) throw invalidFilter(`"${text}" is not a path`);
    return {
      path: { ...path, sub: sub.toLowerCase(), as: { attr: path.as?.attr ?? path.attr, sub } },
      filter,
    };
  }
  if (!parser.done()) throw invalidFilter(`"${text}" is not a path`);
  return { path, filter };
}

// --- Evaluation over a resource's JSON ---

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The key of `obj` that equals `name` ignoring case. */
export function keyOf(obj: Record<string, Json>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

export function getAttr(obj: Record<string, Json>, name: string): Json {
  const k = keyOf(obj, name);
  return k === undefined ? undefined : obj[k];
}

/** Where an attribute lives: the resource itself, or its extension object for an extension URN. */
export function containerFor(
  resource: Record<string, Json>,
  schema: string | null,
): Record<string, Json> | null {
  if (schema === null || schema.startsWith("urn:ietf:params:scim:schemas:core:2.0:")) return resource;
  const ext = getAttr(resource, schema);
  return isObject(ext) ? ext : null;
}

/** The values a path names: multi-valued attributes flatten; complex ones compare on their `value`. */
function valuesAt(resource: Record<string, Json>, path: AttrPath): Json[] {
  const container = containerFor(resource, path.schema);
  if (!container) return [];
  const raw = getAttr(container, path.attr);
  const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: Json[] = [];
  for (const item of items) {
    if (isObject(item)) {
      const v = getAttr(item, path.sub ?? "value");
      if (v !== undefined) out.push(v);
    } else if (path.sub === null) {
      out.push(item);
    }
  }
  return out;
}

// Attributes whose comparisons are case-sensitive (RFC 7643 §3.1 id, externalId; members.value holds ids).
const CASE_EXACT = new Set(["id", "externalid", "members.value"]);
const caseExact = (p: AttrPath) => CASE_EXACT.has(p.attr) || CASE_EXACT.has(`${p.attr}.${p.sub ?? ""}`);

function compare(op: CompareOp, actual: Json, expected: CompValue, exact: boolean): boolean {
  if (expected === null) return op === "eq" ? actual === null : op === "ne" ? actual !== null : false;
  if (typeof expected === "boolean") {
    if (op !== "eq" && op !== "ne") throw invalidFilter(`"${op}" does not apply to a boolean`);
    const same =
      actual === expected || (typeof actual === "string" && actual.toLowerCase() === String(expected));
    return op === "eq" ? same : !same;
  }
  if (typeof expected === "number") {
    if (typeof actual !== "number") return op === "ne";
    switch (op) {
      case "eq":
        return actual === expected;
      case "ne":
        return actual !== expected;
      case "gt":
        return actual > expected;
      case "ge":
        return actual >= expected;
      case "lt":
        return actual < expected;
      case "le":
        return actual <= expected;
      default:
        throw invalidFilter(`"${op}" does not apply to a number`);
    }
  }
  if (typeof actual !== "string") return op === "ne";
  const a = exact ? actual : actual.toLowerCase();
  const e = exact ? expected : expected.toLowerCase();
  switch (op) {
    case "eq":
      return a === e;
    case "ne":
      return a !== e;
    case "co":
      return a.includes(e);
    case "sw":
      return a.startsWith(e);
    case "ew":
      return a.endsWith(e);
    case "gt":
      return a > e;
    case "ge":
      return a >= e;
    case "lt":
      return a < e;
    case "le":
      return a <= e;
  }
}

/** Does the resource (or, inside a value path, one element of a multi-valued attribute) match? */
export function matches(filter: Filter, resource: Record<string, Json>): boolean {
  switch (filter.op) {
    case "and":
      return matches(filter.left, resource) && matches(filter.right, resource);
    case "or":
      return matches(filter.left, resource) || matches(filter.right, resource);
    case "not":
      return !matches(filter.filter, resource);
    case "pr":
      return valuesAt(resource, filter.path).some(
        (v) => v !== null && v !== "" && !(Array.isArray(v) && v.length === 0),
      );
    case "valuePath": {
      const container = containerFor(resource, filter.path.schema);
      const raw = container ? getAttr(container, filter.path.attr) : undefined;
      const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
      return items.some((item) => isObject(item) && matches(filter.filter, item));
    }
    default: {
      const values = valuesAt(resource, filter.path);
      const exact = caseExact(filter.path);
      if (values.length === 0) return filter.value === null ? filter.op === "eq" : filter.op === "ne";
      return filter.op === "ne"
        ? values.every((v) => compare("ne", v, filter.value, exact))
        : values.some((v) => compare(filter.op as CompareOp, v, filter.value, exact));
    }
  }
}
