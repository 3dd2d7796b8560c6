import { parse as parseYaml, stringify as toYaml } from "yaml";
import { z } from "zod";
import { CLOUDS, type PolicyDocument, RISKS } from "@/db/schema";
import { Validation } from "@/lib/errors";
import { globComplexityError } from "@/lib/iam/glob";

/** In `approverGroups`, the target's owners (targets.owner_group). */
export const OWNERS = "$owners";
/** In `approverGroups`, the owners of the request's task template (task_templates.owner_group). */
export const TEMPLATE_OWNERS = "$templateOwners";

const MAX_RULES = 200;
const MAX_LIST = 100;
const name = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200)
  .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20), "must not hold control characters");
const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_LIST, `at most ${MAX_LIST} entries`);
const seconds = (max: number) =>
  z.number({ error: "must be a number of seconds" }).int("must be whole seconds").min(0).max(max);
const YEAR = 366 * 86_400;

const ticketPattern = z
  .string()
  .min(1, "must not be empty")
  .superRefine((p, ctx) => {
    const problem = globComplexityError(p);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "must be an IANA time zone such as Europe/Paris");
const BusinessHours = z
  .object({
    timeZone,
    /** ISO weekdays: 1 Monday … 7 Sunday. */
    days: list(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
    start: z.string().regex(HHMM, "must be HH:MM (24 h)"),
    end: z.string().regex(HHMM, "must be HH:MM (24 h)"),
  })
  .strict()
  .refine((b) => b.start < b.end, { message: "start must be before end", path: ["end"] });

const AutoApprove = z
  .object({
    maxRisk: z.enum(RISKS).optional(),
    onCall: z.boolean().optional(),
    // One window or several (all must hold); stored as a list.
    businessHours: z
      .union([BusinessHours, list(BusinessHours)])
      .transform((b) => (Array.isArray(b) ? b : [b]))
      .optional(),
  })
  .strict();

const decisionFields = {
  deny: z.boolean(),
  approverGroups: list(name).min(1, "name at least one group"),
  approvalsRequired: z.number().int("must be a whole number").min(1).max(20),
  maxDurationSeconds: seconds(YEAR).min(60, "at least 60 seconds"),
  justificationRequired: z.boolean(),
  ticketRequired: z.boolean(),
  ticketPatterns: list(ticketPattern),
  autoApprove: AutoApprove.nullable(),
  extensions: z.object({ autoUpToSeconds: seconds(YEAR) }).strict(),
  breakGlass: z
    .object({
      allowed: z.boolean(),
      maxDurationSeconds: seconds(86_400).min(60, "at least 60 seconds"),
      reviewWithinSeconds: seconds(30 * 86_400).min(60, "at least 60 seconds"),
    })
    .strict(),
  stepUp: z.boolean(),
};

export const Decision = z.object(decisionFields).strict();

/** In a rule every field is optional, and breakGlass's parts too (the rest come from the defaults). */
export const RuleDecision = z
  .object({
    ...decisionFields,
    breakGlass: decisionFields.breakGlass.partial(),
  })
  .partial()
  .strict();

export const Match = z
  .object({
    targetIds: list(z.uuid()),
    targetTags: list(name),
    environments: list(name),
    clouds: list(z.enum(CLOUDS)),
    templateKeys: list(name),
    risks: list(z.enum(RISKS)),
    requesterGroups: list(name),
  })
  .partial()
  .strict();

export const Rule = z
  .object({
    id: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9._-]{0,63}$/,
        "use 1-64 lowercase letters, digits, . _ - (starting alphanumeric)",
      ),
    description: z.string().max(500).optional(),
    match: Match.default({}),
    decide: RuleDecision,
  })
  .strict();

export const PolicyDocumentSchema = z
  .object({
    schemaVersion: z.literal(2),
    pendingTimeoutSeconds: seconds(30 * 86_400).min(60, "at least 60 seconds"),
    defaults: Decision,
    rules: z.array(Rule).max(MAX_RULES, `at most ${MAX_RULES} rules`).default([]),
  })
  .strict()
  .superRefine((d, ctx) => {
    const seen = new Set<string>();
    d.rules.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: "is used twice" });
      seen.add(r.id);
    });
  });

/** The same text serialisation everywhere (export, diff, editor): stable key order, two-space indent. */
export function documentToYaml(doc: PolicyDocument): string {
  return toYaml(doc, { indent: 2, lineWidth: 0 });
}

export function documentToJson(doc: PolicyDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const MAX_TEXT = 256 * 1024;

/**
 * A document from editor text, JSON or YAML (JSON is YAML). Errors name the field path, e.g.
 * `document.rules.0.decide.approvalsRequired`. The YAML parser refuses aliases past its default limit.
 */
export function parseDocumentText(text: string): PolicyDocument {
  if (text.length > MAX_TEXT) throw Validation("document", `is at most ${MAX_TEXT} characters`);
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw Validation("document", `is not valid YAML or JSON: ${(e as Error).message.split("\n")[0]}`);
  }
  return validateDocument(raw);
}

export function validateDocument(raw: unknown): PolicyDocument {
  const r = PolicyDocumentSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = ["document", ...issue.path.map(String)].join(".");
    throw Validation(field, issue.message);
  }
  return r.data as PolicyDocument;
}
