// Targets: connecting clouds (credentials by reference), connection tests, drift.
export { connectTarget } from "./connect";
export { CredentialsUnavailable } from "./credentials";
export { describeConnectionError } from "./describe-error";
export type {
  ConnectionCheckDto,
  CredentialRefDto,
  TargetDetailDto,
  TargetSettingsDto,
} from "./dto";
export { getTarget } from "./get";
export { type AdminTargetDto, listTargetsForAdmin } from "./list";
export { DRIFT_ACTIONS, type DriftEventDto, listDrift } from "./list-drift";
export {
  ADAPTERS,
  CLOUDS,
  ConnectTargetInput,
  EXTERNAL_ID,
  type ListDriftInput,
  UpdateTargetInput,
} from "./schemas";
export { ENV_NAME } from "./settings";
export { TEST_TIMEOUT_MS, testTargetConnection } from "./test-connection";
export { updateTarget } from "./update";
