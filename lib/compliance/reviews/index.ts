export { canDecide, decideReviewItem } from "./decide";
export { exportAccessReview } from "./export";
export {
  closeAccessReview,
  getAccessReview,
  listAccessReviews,
  type ReviewDto,
  type ReviewItemDto,
} from "./read";
export { REMINDER_INTERVAL_MS, remindAccessReviewers } from "./remind";
export { DecideReviewItemInput, ReviewExportQuery, ReviewIdInput, StartReviewInput } from "./schemas";
export { startAccessReview } from "./start";
