import { z } from "zod";
import { DELIVERY_CHANNELS, REPORT_FORMATS, REPORT_GROUPINGS } from "@/db/schema/enums";
import { webhookUrlProblem } from "./webhook-policy";

const email = z.string().trim().toLowerCase().email("must be an email address");
/** Forms send every field; an empty one means "not given". */
const opt = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === "" ? undefined : v), schema);

export const CreateScheduleInput = z
  .object({
    name: z.string().trim().min(1, "is required").max(120),
    by: opt(z.enum(REPORT_GROUPINGS).default("person")),
    format: opt(z.enum(REPORT_FORMATS).default("pdf")),
    periodDays: opt(z.coerce.number().int("must be a whole number of days").min(1).max(366).default(7)),
    channel: z.enum(DELIVERY_CHANNELS),
    /** A list, or one string of addresses separated by commas, semicolons or spaces (a form field). */
    recipients: z.preprocess(
      (v) => (typeof v === "string" ? v.split(/[\s,;]+/).filter(Boolean) : v),
      z.array(email).max(50).default([]),
    ),
    webhookUrl: opt(z.string().trim().max(2000).optional()),
    webhookSecret: opt(z.string().min(16, "must be at least 16 characters").max(200).optional()),
    /** The first run; the report then covers the period before each run. Defaults to now. */
    firstRunAt: z.coerce.date().optional(),
  })
  .superRefine((v, c) => {
    if (v.channel === "email" && v.recipients.length === 0)
      c.addIssue({
        code: "custom",
        path: ["recipients"],
        message: "needs at least one address for email delivery",
      });
    if (v.channel === "webhook") {
      if (!v.webhookUrl)
        c.addIssue({ code: "custom", path: ["webhookUrl"], message: "is required for webhook delivery" });
      else {
        const problem = webhookUrlProblem(v.webhookUrl);
        if (problem) c.addIssue({ code: "custom", path: ["webhookUrl"], message: problem });
      }
      if (!v.webhookSecret)
        c.addIssue({ code: "custom", path: ["webhookSecret"], message: "is required for webhook delivery" });
    }
  });
export type CreateScheduleInput = z.input<typeof CreateScheduleInput>;

export const ScheduleIdInput = z.object({ scheduleId: z.string().uuid("must be a schedule id") });
