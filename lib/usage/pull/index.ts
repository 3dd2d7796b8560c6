export { type PullOptions, pullAll, pullTarget, sourceFor } from "./pull-target";
export { startUsagePullTimer, USAGE_PULL_INTERVAL_MS } from "./timer";
