export {
  createReportSchedule,
  deleteReportSchedule,
  listReportSchedules,
  type ReportScheduleDto,
} from "./manage";
export { MAX_DELIVERY_ATTEMPTS, RETRY_DELAYS_MS, type RunDueResult, runDueReportSchedules } from "./run-due";
export { CreateScheduleInput } from "./schemas";
export { REPORT_SCHEDULE_INTERVAL_MS, startReportScheduleTimer } from "./timer";
export { webhookUrlProblem } from "./webhook-policy";
