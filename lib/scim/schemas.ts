import { z } from "zod";
import { findIllFormedText } from "@/lib/text";
import { invalidSyntax, invalidValue } from "./errors";

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/** Booleans, also as the strings Entra ID sends ("True", "False"). */
export const scimBoolean = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    const s = v.trim().toLowerCase();
    return s === "true" ? true : s === "false" ? false : v;
  },
  z.boolean({ error: "must be true or false" }),
);

const text = (max: number) =>
  z
    .string({ error: "must be a string" })
    .trim()
    .max(max, `is at most ${max} characters`)
    .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20), "must not hold control characters");
const optText = (max: number) =>
  text(max)
    .nullish()
    .transform((v) => (v ? v : null));

const Email = z.looseObject({
  value: text(320).pipe(z.email({ error: "must be an email address" })),
  type: z.string().max(64).nullish(),
  primary: scimBoolean.nullish(),
});
const Member = z.looseObject({
  value: z.string({ error: "must be a string" }).max(64),
  display: z.unknown().optional(),
});

/** A User as created or replaced (RFC 7643 §4.1); attributes Elevate does not keep are accepted and ignored. */
export const ScimUserInput = z.looseObject({
  userName: text(256).min(1, "is required"),
  externalId: optText(256),
  displayName: optText(256),
  name: z
    .looseObject({ givenName: optText(128), familyName: optText(128), formatted: optText(256) })
    .nullish(),
  active: scimBoolean.nullish().transform((v) => v ?? true),
  emails: z.array(Email).max(20, "at most 20 entries").nullish(),
});
export type ScimUserInput = z.output<typeof ScimUserInput>;

export const ScimGroupInput = z.looseObject({
  displayName: text(200).min(1, "is required"),
  externalId: optText(256),
  members: z.array(Member).max(10_000, "at most 10000 entries").nullish(),
});
export type ScimGroupInput = z.output<typeof ScimGroupInput>;

export const PatchOp = z.looseObject({
  op: z
    .string({ error: "is required" })
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(["add", "remove", "replace"], { error: "must be add, remove or replace" })),
  path: z.string().max(1000).nullish(),
  value: z.unknown().optional(),
});
export const PatchRequest = z.looseObject({
  schemas: z.array(z.string()).refine((s) => s.includes(PATCH_SCHEMA), `must include ${PATCH_SCHEMA}`),
  Operations: z.array(PatchOp).min(1, "needs at least one operation").max(1000, "at most 1000 operations"),
});
export type PatchRequest = z.output<typeof PatchRequest>;

/** zod parse raising SCIM's 400 invalidValue (or invalidSyntax for a request that is not the right shape). */
export function parseScim<T>(schema: z.ZodType<T>, input: unknown, syntax = false): T {
  const bad = findIllFormedText(input);
  if (bad) throw invalidValue(`${bad.path}: ${bad.problem}`);
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.map(String).join(".") || "body";
  const message = `${field}: ${issue.message}`;
  throw syntax ? invalidSyntax(message) : invalidValue(message);
}

/** The address Elevate keeps for a user: the primary email, else the first, else a userName that is one. */
export function emailOf(u: ScimUserInput): string {
  const primary = u.emails?.find((e) => e.primary) ?? u.emails?.[0];
  if (primary) return primary.value.toLowerCase();
  const asEmail = z.email().safeParse(u.userName);
  if (asEmail.success) return asEmail.data.toLowerCase();
  throw invalidValue("emails: a user needs an email address (in emails, or a userName that is one)");
}
