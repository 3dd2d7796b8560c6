import { z } from "zod";
import { CLOUDS, RISKS } from "@/db/schema/enums";
import { RESOURCE_KINDS } from "@/lib/catalog";

const Cloud = z.enum(CLOUDS);

/** Dotted lowercase words (`vm.ssh`, `k8s.cluster.update`): the dot keeps keys apart from route words like "preview". */
export const TemplateKey = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+){1,3}$/, "use dotted lowercase words, e.g. vm.ssh")
  .max(64);

const PermissionList = z.array(z.string().trim().min(1).max(300)).max(3000);
const Permissions = PermissionList.default([]);

/** One field per cloud kind, from CLOUDS: a new kind is accepted everywhere templates are. */
const perCloud = <S extends z.ZodType>(s: S) =>
  z.object(Object.fromEntries(CLOUDS.map((c) => [c, s])) as Record<(typeof CLOUDS)[number], S>);

const Fields = {
  name: z.string().trim().min(1, "a name is required").max(100),
  description: z.string().trim().min(1, "a description is required").max(1000),
  risk: z.enum(RISKS),
  /** Resource kinds the requester may fill to narrow scope; the role builder knows how to narrow each. */
  placeholders: z
    .array(z.enum(RESOURCE_KINDS as [string, ...string[]], `use one of ${RESOURCE_KINDS.join(", ")}`))
    .max(3)
    .default([]),
  permissions: perCloud(Permissions),
};

export const CreateTemplateInput = z.object({ key: TemplateKey, ...Fields });
export type CreateTemplateInput = z.input<typeof CreateTemplateInput>;

/** Fields left out keep their current value. */
export const UpdateTemplateInput = z.object({
  key: TemplateKey,
  expectedVersion: z.number().int().min(1),
  name: Fields.name.optional(),
  description: Fields.description.optional(),
  risk: Fields.risk.optional(),
  placeholders: Fields.placeholders.unwrap().optional(),
  permissions: perCloud(PermissionList.optional()).optional(),
});
export type UpdateTemplateInput = z.input<typeof UpdateTemplateInput>;

export const TemplateKeyInput = z.object({ key: TemplateKey });
export type TemplateKeyInput = z.input<typeof TemplateKeyInput>;

export const PreviewTemplateInput = z
  .object({
    key: TemplateKey.optional(),
    permissions: PermissionList.optional(),
    cloud: Cloud,
    /** Defaults to the org's first target on that cloud, else a placeholder account. */
    accountId: z.string().trim().min(1).max(128).optional(),
    resource: z.string().trim().min(1).max(512).optional(),
    /** What the resource is, for explicit permissions (a template's placeholder says it otherwise). */
    resourceKind: z
      .enum(RESOURCE_KINDS as [string, ...string[]], `use one of ${RESOURCE_KINDS.join(", ")}`)
      .optional(),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60),
  })
  .refine((v) => v.key !== undefined || (v.permissions?.length ?? 0) > 0, {
    path: ["permissions"],
    message: "give a template key or at least one permission",
  });
export type PreviewTemplateInput = z.input<typeof PreviewTemplateInput>;
