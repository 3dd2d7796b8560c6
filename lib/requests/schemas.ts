import { z } from "zod";
import { DECISION_CHANNELS, VERDICTS } from "@/db/schema/enums";
import { RESOURCE_KINDS } from "@/lib/catalog/resources";
import { RESOURCE_PATTERN } from "@/lib/catalog/role-builder";
import { REQUEST_STATUSES } from "./request-state";

/** Forms send "" for an empty optional field; treat it as absent. */
const emptyToNull = (v: string | null | undefined) => (v ? v : null);

const Resource = z
  .union([
    z.literal(""),
    z.string().trim().regex(RESOURCE_PATTERN, "use letters, digits and . _ - / : + = @ # only (at most 512)"),
  ])
  .nullish()
  .transform(emptyToNull);

/** With explicit permissions, what the resource is; a template's placeholder says it otherwise. */
const ResourceKindField = z
  .union([
    z.literal(""),
    z.enum(RESOURCE_KINDS as [string, ...string[]], `use one of ${RESOURCE_KINDS.join(", ")}`),
  ])
  .nullish()
  .transform(emptyToNull);

// Only web links: a `javascript:` URL would be clickable in the approver's inbox.
const TicketUrl = z
  .union([z.literal(""), z.url({ protocol: /^https?$/, error: "must be an http(s) link" }).max(2000)])
  .nullish()
  .transform(emptyToNull);

/**
 * Duration in whole minutes. The policy maximum is checked by the verb (it depends on the org's policy);
 * zod's int() already rejects NaN, ±Infinity and unsafe integers.
 */
const DurationMinutes = z
  .number({ error: "must be a number of minutes" })
  .int("must be whole minutes")
  .positive();

/** Explicit permissions for the target's cloud: names or wildcards, expanded against the org's catalog. */
const Permissions = z
  .array(z.string().trim().min(1, "must not be empty").max(300), { error: "must be a list of permissions" })
  .min(1, "name at least one permission")
  .max(200, "at most 200 permissions");

/** The fields of a request; SubmitInput and PreviewInput add the "template or permissions" rule. */
export const RequestFields = z.object({
  targetId: z.uuid(),
  templateId: z.uuid().nullish(),
  permissions: Permissions.nullish(),
  resource: Resource,
  resourceKind: ResourceKindField,
  durationMinutes: DurationMinutes,
  // Required or not depends on the policy, so emptiness is checked by the verb.
  justification: z.string().trim().max(2000).default(""),
  ticketUrl: TicketUrl,
});

/** Exactly one of templateId and permissions: a request names a task template or lists its permissions. */
export function templateOrPermissions(
  v: { templateId?: string | null; permissions?: string[] | null },
  ctx: z.RefinementCtx,
) {
  if (v.templateId && v.permissions) {
    ctx.addIssue({
      code: "custom",
      path: ["permissions"],
      message: "give a templateId or permissions, not both",
    });
  } else if (!v.templateId && !v.permissions) {
    ctx.addIssue({
      code: "custom",
      path: ["templateId"],
      message: "give a templateId or a list of permissions",
    });
  }
}

/** Targets one request may cover (one grant each). */
export const MAX_REQUEST_TARGETS = 20;

/**
 * One target (`targetId`) or several (`targetIds`, same template or permissions on each); `breakGlass`
 * self-activates at once when the policy allows it (docs/approvals.md).
 */
export const SubmitInput = RequestFields.extend({
  targetId: z.uuid().optional(),
  targetIds: z
    .array(z.uuid(), { error: "must be a list of target ids" })
    .min(1, "name at least one target")
    .max(MAX_REQUEST_TARGETS, `at most ${MAX_REQUEST_TARGETS} targets`)
    .refine((ids) => new Set(ids).size === ids.length, "names a target twice")
    .optional(),
  breakGlass: z.boolean().default(false),
})
  .superRefine(templateOrPermissions)
  .superRefine((v, ctx) => {
    if (v.targetId && v.targetIds) {
      ctx.addIssue({ code: "custom", path: ["targetIds"], message: "give targetId or targetIds, not both" });
    } else if (!v.targetId && !v.targetIds) {
      ctx.addIssue({ code: "custom", path: ["targetId"], message: "give a targetId or targetIds" });
    }
  });
export type SubmitInput = z.input<typeof SubmitInput>;

export const DecideInput = z.object({
  requestId: z.uuid(),
  verdict: z.enum(VERDICTS),
  comment: z.string().trim().max(2000).optional(),
  channel: z.enum(DECISION_CHANNELS).default("web"),
});
export type DecideInput = z.input<typeof DecideInput>;

export const CancelInput = z.object({ requestId: z.uuid() });
export type CancelInput = z.input<typeof CancelInput>;

export const GetRequestInput = z.object({ requestId: z.uuid() });
export type GetRequestInput = z.input<typeof GetRequestInput>;

// Coerced so the same schema serves query strings (`?limit=20`).
export const Limit = z.coerce.number().int().min(1).max(200).default(50);
export const Cursor = z.string().max(200).optional();

export const ListRequestsInput = z.object({
  scope: z.enum(["mine", "all"]),
  status: z.enum(REQUEST_STATUSES).optional(),
  targetId: z.uuid().optional(),
  limit: Limit,
  cursor: Cursor,
});
export type ListRequestsInput = z.input<typeof ListRequestsInput>;

export const ListInboxInput = z.object({ limit: Limit });
export type ListInboxInput = z.input<typeof ListInboxInput>;
