export { type FakeIam, type FakeIamFault, type FakeIamOptions, startFakeIam } from "./server";
export type { FakeIamState, FakePolicy, FakeRole, RecordedCall } from "./state";
export { IAM_LIMITS } from "./validate";
