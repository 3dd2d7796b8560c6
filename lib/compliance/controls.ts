export type ControlRef = {
  framework: "SOC 2" | "ISO/IEC 27001:2022" | "NIST SP 800-53" | "PCI DSS 4.0";
  id: string;
  title: string;
};

export type SectionKey =
  | "requester"
  | "justification"
  | "documents"
  | "window"
  | "approvals"
  | "provisioning"
  | "removal"
  | "usage"
  | "audit"
  | "access"
  | "lateness"
  | "failures"
  | "selfApproval"
  | "breakGlass"
  | "standingAccess"
  | "reviews";

/**
 * The controls Elevate evidences. ISO, NIST and PCI titles are the standards' own; SOC 2 criteria have no
 * titles, so theirs are the criterion's opening words (AICPA TSP section 100, 2017, revised 2022).
 * docs/compliance.md holds the same table; lib/compliance/controls.test.ts checks that they agree.
 */
export const CONTROLS = {
  "CC6.1": {
    framework: "SOC 2",
    id: "CC6.1",
    title: "Logical access security software, infrastructure, and architectures",
  },
  "CC6.2": {
    framework: "SOC 2",
    id: "CC6.2",
    title: "Registration, authorization and removal of user access",
  },
  "CC6.3": {
    framework: "SOC 2",
    id: "CC6.3",
    title: "Role-based access with least privilege and segregation of duties",
  },
  "CC7.2": { framework: "SOC 2", id: "CC7.2", title: "Monitoring of system components for anomalies" },
  "A.5.15": { framework: "ISO/IEC 27001:2022", id: "A.5.15", title: "Access control" },
  "A.5.18": { framework: "ISO/IEC 27001:2022", id: "A.5.18", title: "Access rights" },
  "A.8.2": { framework: "ISO/IEC 27001:2022", id: "A.8.2", title: "Privileged access rights" },
  "A.8.15": { framework: "ISO/IEC 27001:2022", id: "A.8.15", title: "Logging" },
  "AC-2(2)": {
    framework: "NIST SP 800-53",
    id: "AC-2(2)",
    title: "Automated Temporary and Emergency Account Management",
  },
  "AC-6": { framework: "NIST SP 800-53", id: "AC-6", title: "Least Privilege" },
  "AU-9": { framework: "NIST SP 800-53", id: "AU-9", title: "Protection of Audit Information" },
  "AU-10": { framework: "NIST SP 800-53", id: "AU-10", title: "Non-repudiation" },
  "7.2": {
    framework: "PCI DSS 4.0",
    id: "7.2",
    title: "Access to system components and data is appropriately defined and assigned",
  },
  "10.2": {
    framework: "PCI DSS 4.0",
    id: "10.2",
    title:
      "Audit logs are implemented to support the detection of anomalies and suspicious activity, and the forensic analysis of events",
  },
} as const satisfies Record<string, ControlRef>;

type ControlId = keyof typeof CONTROLS;
const refs = (...ids: ControlId[]): ControlRef[] => ids.map((id) => CONTROLS[id]);

/** Which controls each section of an evidence pack or report evidences; why, per row, in docs/compliance.md. */
export const SECTION_CONTROLS: Record<SectionKey, ControlRef[]> = {
  requester: refs("CC6.2", "A.5.18"),
  justification: refs("CC6.3", "A.5.18", "7.2"),
  documents: refs("CC6.3", "A.8.2", "AC-6", "7.2"),
  window: refs("CC6.2", "A.8.2", "AC-2(2)"),
  approvals: refs("CC6.3", "A.5.18", "A.8.2", "7.2"),
  provisioning: refs("CC6.1", "A.8.2", "AC-6"),
  removal: refs("CC6.2", "CC6.3", "A.5.18", "AC-2(2)"),
  usage: refs("CC7.2", "A.8.15", "AC-6", "10.2"),
  audit: refs("CC7.2", "A.8.15", "AU-9", "AU-10", "10.2"),
  access: refs("CC6.2", "CC6.3", "A.5.15", "A.5.18", "A.8.2", "7.2"),
  lateness: refs("CC6.2", "A.5.18", "AC-2(2)"),
  failures: refs("CC7.2", "A.8.15", "10.2"),
  selfApproval: refs("CC6.3", "A.5.15", "7.2"),
  breakGlass: refs("CC7.2", "A.8.2", "AC-2(2)", "10.2"),
  standingAccess: refs("CC6.1", "CC6.3", "A.8.2", "AC-6", "7.2"),
  reviews: refs("CC6.2", "CC6.3", "A.5.18", "7.2"),
};

/** "SOC 2 CC6.1 Logical access security ..." for each control of a section, in the table's order. */
export function controlLabels(key: SectionKey): string[] {
  return SECTION_CONTROLS[key].map((c) => `${c.framework} ${c.id} ${c.title}`);
}
