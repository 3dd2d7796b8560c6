/**
 * The CEL side of the GCP IAM oracle: IAM's documented condition subset, checked statically over the AST
 * that @bufbuild/cel parses, then evaluated by @bufbuild/cel itself. Sources (cited by the tests too):
 * https://cloud.google.com/iam/docs/conditions-overview, https://cloud.google.com/iam/docs/conditions-attribute-reference,
 * https://cloud.google.com/iam/docs/conditions-resource-attributes, https://cloud.google.com/iam/quotas
 */
import type { CelValue } from "@bufbuild/cel";
import { CelScalar, celEnv, celFunc, celMethod, isCelError, mapType, parse, plan } from "@bufbuild/cel";

/** Longest expression accepted, as the brief asks. UNVERIFIED: https://cloud.google.com/iam/quotas lists no
 * character limit for conditions, only MAX_LOGICAL_OPERATORS. Raise or drop it if IAM accepts longer ones. */
export const MAX_CONDITION_CHARS = 12_800;
/** "Logic operators in a role binding's condition expression: 12" (https://cloud.google.com/iam/quotas#limits). */
export const MAX_LOGICAL_OPERATORS = 12;

type Expr = ReturnType<typeof parse>["expr"];
type Call = Extract<Expr["exprKind"], { case: "callExpr" }>["value"];

/** The attributes this oracle models; IAP, API, tag and destination attributes are out of scope. */
const VARIABLES: Record<string, Record<string, string>> = {
  request: { time: "timestamp" },
  resource: { type: "string", name: "string", service: "string" },
};
/** Timestamp getters from the attribute reference's "Extract information from a timestamp" table. */
const TIME_GETTERS = new Set(
  "getDate getDayOfMonth getDayOfWeek getDayOfYear getFullYear getHours getMilliseconds getMinutes getMonth getSeconds".split(
    " ",
  ),
);
const ORDERED = new Set(["string", "int", "uint", "double", "timestamp", "duration"]);
const EQUATABLE = new Set([...ORDERED, "bool"]);
const LOGICAL = new Set(["_&&_", "_||_", "!_"]);
const COMPARISONS = new Set(["_<_", "_<=_", "_>_", "_>=_"]);

class ConditionError extends Error {}
const fail = (message: string): never => {
  throw new ConditionError(message);
};
/** `_&&_` → `&&`, `@in` → `in`, for messages. */
const opName = (fn: string) => fn.replace(/_/g, "").replace(/^@/, "");

const TEMPLATE = /^([^{}]*)\{[A-Za-z0-9_]+\}([^{}]*)$/;

/** Why an extraction template is malformed (one `{identifier}` of letters, digits, `_`), or null. */
export function extractTemplateError(template: string): string | null {
  return TEMPLATE.test(template)
    ? null
    : `extract() template ${JSON.stringify(template)} needs exactly one {identifier} of A-Z, a-z, 0-9 or _`;
}

/**
 * extract() as the attribute reference's "Extract values from attributes" table defines it: text after the
 * first prefix and before the first later suffix; "" when either is missing or nothing lies between.
 */
export function extractTemplate(value: string, template: string): string {
  const m = TEMPLATE.exec(template);
  if (!m) throw new Error(extractTemplateError(template) ?? "bad template");
  const [, prefix, suffix] = m;
  const at = prefix ? value.indexOf(prefix) : 0;
  if (at < 0) return "";
  const start = at + prefix.length;
  if (!suffix) return value.slice(start);
  const end = value.indexOf(suffix, start);
  return end < 0 ? "" : value.slice(start, end);
}

function typeOfCall(call: Call, count: { logical: number }): string {
  const { function: fn, args, target } = call;
  const at = args.map((a) => typeOf(a, count));
  const is = (...want: string[]) => at.length === want.length && at.every((t, i) => t === want[i]);
  if (target) {
    const tt = typeOf(target, count);
    if ((fn === "startsWith" || fn === "endsWith") && tt === "string" && is("string")) return "bool";
    if (fn === "extract" && tt === "string" && is("string")) {
      const lit = args[0].exprKind;
      if (lit.case === "constExpr" && lit.value.constantKind.case === "stringValue") {
        const err = extractTemplateError(lit.value.constantKind.value);
        if (err) fail(err);
      }
      return "string";
    }
    if (TIME_GETTERS.has(fn) && tt === "timestamp" && (is() || is("string"))) return "int";
    return fail(`${tt}.${fn}(${at.join(", ")}) is not in IAM's documented condition functions`);
  }
  if (LOGICAL.has(fn)) {
    count.logical++;
    if (at.every((t) => t === "bool")) return "bool";
  } else if (fn === "_==_" || fn === "_!=_") {
    if (at[0] === at[1] && EQUATABLE.has(at[0])) return "bool";
  } else if (COMPARISONS.has(fn)) {
    if (at[0] === at[1] && ORDERED.has(at[0])) return "bool";
  } else if (fn === "_+_") {
    if (is("timestamp", "duration") || is("duration", "timestamp")) return "timestamp";
  } else if (fn === "_-_") {
    if (is("timestamp", "duration")) return "timestamp";
  } else if (fn === "@in") {
    if (EQUATABLE.has(at[0]) && (at[1] === `list<${at[0]}>` || at[1] === "list<dyn>")) return "bool";
  } else if (fn === "timestamp" || fn === "date" || fn === "duration") {
    if (is("string")) return fn === "duration" ? "duration" : "timestamp";
  } else {
    return fail(`'${opName(fn)}' is not in IAM's documented condition functions and operators`);
  }
  return fail(`no overload of '${opName(fn)}' for (${at.join(", ")})`);
}

function typeOf(e: Expr, count: { logical: number }): string {
  const k = e.exprKind;
  switch (k.case) {
    case "constExpr": {
      const c = k.value.constantKind.case;
      const t = { boolValue: "bool", stringValue: "string", int64Value: "int", uint64Value: "uint" }[
        String(c)
      ];
      return t ?? (c === "doubleValue" ? "double" : fail(`${c} literals are not in IAM's condition subset`));
    }
    case "identExpr":
      return k.value.name in VARIABLES ? k.value.name : fail(`undeclared reference to '${k.value.name}'`);
    case "selectExpr": {
      if (k.value.testOnly) return fail("has() is not in IAM's condition subset");
      const base = k.value.operand ? typeOf(k.value.operand, count) : "?";
      const field = VARIABLES[base]?.[k.value.field];
      return field ?? fail(`undeclared reference to '${base}.${k.value.field}'`);
    }
    case "listExpr": {
      const ts = new Set(k.value.elements.map((x) => typeOf(x, count)));
      if (ts.size > 1) fail(`list elements mix types: ${[...ts].join(", ")}`);
      return `list<${[...ts][0] ?? "dyn"}>`;
    }
    case "callExpr":
      return typeOfCall(k.value, count);
    default:
      return fail(
        `${k.case ?? "empty expression"} (macros, maps, messages) is not in IAM's condition subset`,
      );
  }
}

/** Parses and type-checks like IAM's validator would; the parsed AST on success. */
export function compileGcpCondition(
  expression: string,
): { ok: true; expr: Expr } | { ok: false; error: string } {
  if (expression.length > MAX_CONDITION_CHARS) {
    return { ok: false, error: `expression is ${expression.length} characters, over ${MAX_CONDITION_CHARS}` };
  }
  let expr: Expr;
  try {
    expr = parse(expression).expr;
  } catch (e) {
    return { ok: false, error: `syntax error: ${e instanceof Error ? e.message : String(e)}` };
  }
  const count = { logical: 0 };
  try {
    const t = typeOf(expr, count);
    if (t !== "bool") return { ok: false, error: `expression has type ${t}, not bool` };
  } catch (e) {
    if (e instanceof ConditionError) return { ok: false, error: e.message };
    throw e;
  }
  if (count.logical > MAX_LOGICAL_OPERATORS) {
    return {
      ok: false,
      error: `${count.logical} logical operators, over IAM's limit of ${MAX_LOGICAL_OPERATORS}`,
    };
  }
  return { ok: true, expr };
}

/** A google.protobuf.Timestamp built by CEL's own timestamp(): @bufbuild/protobuf is only a transitive dependency. */
const toTimestamp = plan(celEnv({ variables: { s: CelScalar.STRING } }), parse("timestamp(s)"));
function celTimestamp(d: Date): CelValue {
  const v = toTimestamp({ s: d.toISOString() });
  if (isCelError(v)) throw v;
  return v;
}

const env = celEnv({
  variables: {
    request: mapType(CelScalar.STRING, CelScalar.DYN),
    resource: mapType(CelScalar.STRING, CelScalar.STRING),
  },
  funcs: [
    celMethod("extract", CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (template) {
      return extractTemplate(this, template);
    }),
    // date('YYYY-MM-DD') is 00:00:00 UTC that day (attribute reference, date/time table); not in CEL's stdlib.
    celFunc("date", [CelScalar.STRING], CelScalar.DYN, (s) => {
      const d = new Date(`${s}T00:00:00Z`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) {
        throw new Error(`date(${JSON.stringify(s)}) is not a YYYY-MM-DD date`);
      }
      return celTimestamp(d);
    }),
  ],
});

export type ConditionContext = { time: Date; resource: { type: string; name: string; service?: string } };
export type ConditionResult = { kind: "true" } | { kind: "false" } | { kind: "error"; error: string };

/** Evaluates a condition; an invalid expression, a CEL error or a non-bool result is `error` (never grants). */
export function evaluateGcpCondition(expression: string, ctx: ConditionContext): ConditionResult {
  const compiled = compileGcpCondition(expression);
  if (!compiled.ok) return { kind: "error", error: `invalid condition: ${compiled.error}` };
  if (Number.isNaN(ctx.time.getTime())) return { kind: "error", error: "request time is not a valid date" };
  const { type, name, service } = ctx.resource;
  // An absent attribute is an absent key, so reading it is a CEL error, and that part never grants.
  const resource: Record<string, string> = { type, name };
  if (service !== undefined) resource.service = service;
  const value = plan(env, compiled.expr)({ request: { time: celTimestamp(ctx.time) }, resource });
  if (isCelError(value)) return { kind: "error", error: `evaluation error: ${value.message}` };
  if (typeof value !== "boolean") return { kind: "error", error: `evaluated to a non-bool ${typeof value}` };
  return { kind: value ? "true" : "false" };
}
