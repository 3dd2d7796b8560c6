import type { AccessLevel } from "./types";

const GCP_READ = /^(get|read|access|getData|export|search|query|view|download|lookup|use|connect|osLogin)/;

/** GCP permissions are `service.resource.verb`; the verb decides the level. */
export function gcpAccessLevel(permission: string): AccessLevel {
  const parts = permission.split(".");
  const verb = parts[parts.length - 1] ?? "";
  if (verb === "setIamPolicy" || /^iam\.roles\./.test(permission) || verb === "actAs") return "permissions";
  if (verb === "getIamPolicy") return "read";
  if (verb === "list" || verb.startsWith("list")) return "list";
  if (GCP_READ.test(verb) && verb !== "osLogin") return "read";
  if (verb === "osLogin") return "write";
  if (/Tag(Binding)?s?$/.test(verb) || verb === "setLabels") return "tagging";
  return "write";
}

/** Azure operations end in read, write, delete or `<name>/action`. */
export function azureAccessLevel(operation: string): AccessLevel {
  const lower = operation.toLowerCase();
  if (lower.startsWith("microsoft.authorization/") && !lower.endsWith("/read")) return "permissions";
  if (lower.includes("/tags/") && !lower.endsWith("/read")) return "tagging";
  if (lower.endsWith("/read")) return "read";
  return "write";
}

/** iam-data spells levels "List", "Read", "Write", "Tagging, Write", "Permissions management, Write". */
export function awsAccessLevel(level: string): AccessLevel {
  const l = level.toLowerCase();
  if (l.includes("permissions")) return "permissions";
  if (l.includes("tagging")) return "tagging";
  if (l.startsWith("list")) return "list";
  if (l.startsWith("read")) return "read";
  return "write";
}

/** `compute.instances.get` → `compute`; `Microsoft.Compute/virtualMachines/read` → `Microsoft.Compute`. */
export function serviceOf(cloud: "gcp" | "azure", name: string): string {
  if (cloud === "azure") return name.split("/")[0] ?? name;
  return name.includes("/") ? (name.split("/")[0] ?? name) : (name.split(".")[0] ?? name);
}
