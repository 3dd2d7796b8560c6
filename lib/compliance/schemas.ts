import { z } from "zod";
import { REPORT_FORMATS, REPORT_GROUPINGS } from "@/db/schema/enums";

const DAY_MS = 86_400_000;
/** The longest period one report covers: a year and a day (leap years). */
export const MAX_REPORT_DAYS = 366;

/** `2026-11-01` (midnight UTC) or a full ISO 8601 time. */
const instant = z
  .string()
  .trim()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(s) && !Number.isNaN(Date.parse(s)),
    {
      message: "must be a date (YYYY-MM-DD) or an ISO 8601 time",
    },
  )
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s));

export const AccessReportInput = z
  .object({
    from: instant,
    to: instant,
    by: z.enum(REPORT_GROUPINGS).default("person"),
  })
  .superRefine((v, c) => {
    // A field that failed its own check still reaches here (zod 4 refinements are not fatal).
    if (!(v.from instanceof Date) || !(v.to instanceof Date)) return;
    if (v.to <= v.from) c.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
    else if (v.to.getTime() - v.from.getTime() > MAX_REPORT_DAYS * DAY_MS)
      c.addIssue({
        code: "custom",
        path: ["to"],
        message: `must be at most ${MAX_REPORT_DAYS} days after from`,
      });
  });
export type AccessReportInput = z.input<typeof AccessReportInput>;

export const AccessReportQuery = z.object({
  from: z.string(),
  to: z.string(),
  by: z.enum(REPORT_GROUPINGS).optional(),
  format: z.enum(REPORT_FORMATS).default("json"),
});
