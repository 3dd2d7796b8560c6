import { z } from "zod";

export const DEFAULT_WINDOW_DAYS = 90;

export const ListRecommendationsInput = z.object({
  windowDays: z.number().int().min(1).max(730).default(DEFAULT_WINDOW_DAYS),
  /** "Now" for the window's end; tests pin it. */
  now: z.date().optional(),
});
export type ListRecommendationsInput = z.input<typeof ListRecommendationsInput>;

export const ApplyRecommendationInput = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/, "not a recommendation id"),
  windowDays: z.number().int().min(1).max(730).default(DEFAULT_WINDOW_DAYS),
  now: z.date().optional(),
});
export type ApplyRecommendationInput = z.input<typeof ApplyRecommendationInput>;
