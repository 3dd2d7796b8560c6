// Custom-role capacity: each cloud's limits, usage per target, early collection and alerts.
export { CAPACITY_ALERT_ACTION, watchCapacity } from "./alert";
export { type Capacity, capacityFor } from "./capacity";
export { ALERT_RATIO, CLOUD_LIMITS, COLLECT_RATIO, limitsFor } from "./limits";
export { type CapacityNoteDto, capacityNote } from "./note";
export { ensureRoom, noRoomMessage, reserveRoleWithin } from "./room";
export { type TargetUsage, targetCapacity, usageOf } from "./usage";
