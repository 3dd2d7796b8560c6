import type { Cloud, Risk } from "@/db/schema";

/** Normalised access levels across clouds (AWS's own five; GCP and Azure are inferred from the verb). */
export type AccessLevel = "list" | "read" | "write" | "tagging" | "permissions";
export const ACCESS_LEVELS: readonly AccessLevel[] = ["list", "read", "write", "tagging", "permissions"];

/** SECURITY.md's escalation classes, plus coarser tags that policies can match on. */
export type RiskTag =
  | "privesc:iam-write"
  | "privesc:pass-role"
  | "privesc:credentials"
  | "privesc:run-as"
  | "permissions-management"
  | "write"
  | "data-access";
export const RISK_TAGS: readonly RiskTag[] = [
  "privesc:iam-write",
  "privesc:pass-role",
  "privesc:credentials",
  "privesc:run-as",
  "permissions-management",
  "write",
  "data-access",
];

/** GCP's customRolesSupportLevel; other clouds leave it undefined. */
export type CustomRoleSupport = "SUPPORTED" | "TESTING" | "NOT_SUPPORTED";

export type CatalogEntry = {
  cloud: Cloud;
  service: string;
  name: string;
  description: string;
  accessLevel: AccessLevel;
  /** AWS: resource type keys from iam-data (ARN templates live in the AWS resource table). */
  resourceTypes: string[];
  conditionKeys: string[];
  risk: RiskTag[];
  riskLevel: Risk;
  customRoleSupport?: CustomRoleSupport;
  /** Azure data-plane operation (goes to dataActions, not actions). */
  dataAction?: boolean;
};

/** An entry before risk tagging: importers and loaders produce these. */
export type RawEntry = Omit<CatalogEntry, "risk" | "riskLevel"> & { extraRisk?: RiskTag[] };

/** A cloud role as exported by the cloud (GCP predefined role, Azure role definition). */
export type CatalogRole = {
  cloud: Cloud;
  name: string;
  title: string;
  description: string;
  stage: string | null;
  permissions: string[];
};

/** AWS resource type ARN templates, by service then key (from iam-data). */
export type AwsResourceTable = Map<string, Map<string, string>>;
