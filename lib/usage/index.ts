export { GrantIndex } from "./attribute";
export { filesOf } from "./files";
export {
  type ImportUsageInput,
  importUsage,
  resolveTarget,
  type UsageImportSummary,
  type UsageInput,
} from "./import";
