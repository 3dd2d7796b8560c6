import { z } from "zod";
import { REPORT_FORMATS } from "@/db/schema/enums";

export const StartReviewInput = z.object({
  name: z.string().trim().min(1, "is required").max(120),
  dueInDays: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce.number().int("must be a whole number of days").min(1).max(90).default(14),
  ),
  /**
   * Who is reminded of pending template and membership items (token owners are reminded themselves): a
   * list, or one string of addresses separated by commas, semicolons or spaces (a form field).
   */
  remindEmails: z.preprocess(
    (v) => (typeof v === "string" ? v.split(/[\s,;]+/).filter(Boolean) : v),
    z.array(z.string().trim().toLowerCase().email("must be an email address")).max(50).default([]),
  ),
});
export type StartReviewInput = z.input<typeof StartReviewInput>;

export const DecideReviewItemInput = z.object({
  itemId: z.string().uuid("must be a review item id"),
  decision: z.enum(["confirm", "remove"]),
  comment: z.string().trim().max(500).optional(),
});
export type DecideReviewItemInput = z.input<typeof DecideReviewItemInput>;

export const ReviewIdInput = z.object({ reviewId: z.string().uuid("must be a review id") });

export const ReviewExportQuery = z.object({ format: z.enum(REPORT_FORMATS).default("pdf") });
