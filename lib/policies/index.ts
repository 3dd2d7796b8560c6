// Access policies: versioned rule documents, their evaluation, four-eyes changes and simulation.
export { DEFAULT_POLICY_DOCUMENT, documentFromLegacy } from "./default";
export { diffLines } from "./diff";
export type { PolicyDetailDto, PolicyVersionDto } from "./dto";
export { atLeastAsStrict, evaluate, evaluateTarget, strictest } from "./evaluate";
export { getActivePolicy } from "./queries";
export { documentToJson, documentToYaml, parseDocumentText, validateDocument } from "./schema";
export { type SimulateInput, type SimulationDto, simulatePolicy } from "./simulate";
export {
  approvePolicyChange,
  getPolicy,
  listPolicies,
  proposePolicyChange,
  rejectPolicyChange,
} from "./versions";
