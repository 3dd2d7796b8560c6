export { BREAK_GLASS, buildAccessReport, SELF_APPROVAL_REFUSED } from "./access-report";
export { type ControlRef, controlLabels, SECTION_CONTROLS, type SectionKey } from "./controls";
export { accessReportCsv, accessReportPdf, renderAccessReport } from "./export";
export type { AccessReport, AccessRow, StandingAccess } from "./report-types";
