// Usage dashboards: daily roll-ups (refreshed per day) and the dashboard read over them.
export { DEFAULT_PERIOD_DAYS, getUsageDashboard, type UsageDashboardDto } from "./dashboard";
export {
  RECENT_DAYS,
  refreshAllRecentRollups,
  refreshRecentRollups,
  refreshReportRollups,
  refreshRollups,
} from "./refresh";
export { CUSTOM_TEMPLATE, DashboardInput } from "./schemas";
