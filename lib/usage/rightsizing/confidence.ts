export type Confidence = { score: number; level: "low" | "medium" | "high" };

/**
 * Evidence-weighted confidence in [0, 1]: `n / (n + 3)` (3 observations → 0.5, 9 → 0.75, 27 → 0.9),
 * times the share of the observed subjects that had any logged call at all (grants with no call at all
 * may mean logs are missing, not that nothing was used). High from 0.75, medium from 0.5.
 */
export function confidence(observed: number, total: number): Confidence {
  const coverage = total === 0 ? 0 : observed / total;
  const score = Math.round((observed / (observed + 3)) * coverage * 100) / 100;
  return { score, level: score >= 0.75 ? "high" : score >= 0.5 ? "medium" : "low" };
}
