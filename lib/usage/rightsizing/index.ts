// Right-sizing: recommendations from observed usage, applied as template versions.
export { applyRecommendation } from "./apply";
export { listRecommendations, type RecommendationsDto } from "./list";
export { ApplyRecommendationInput, DEFAULT_WINDOW_DAYS, ListRecommendationsInput } from "./schemas";
export type { RecommendationDto, RecommendationKind } from "./types";
