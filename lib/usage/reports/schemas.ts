import { z } from "zod";

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD");
/** The template filter's value for requests that listed permissions instead of naming a template. */
export const CUSTOM_TEMPLATE = "(custom)";

export const DashboardInput = z
  .object({
    from: Day.optional(),
    to: Day.optional(),
    targetId: z.uuid().optional(),
    templateKey: z.string().trim().min(1).max(64).optional(),
    group: z.string().trim().min(1).max(200).optional(),
    /** "Today" for the default period; tests and the bench pin it. */
    now: z.date().optional(),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { path: ["to"], message: "must not be before from" });
export type DashboardInput = z.input<typeof DashboardInput>;
