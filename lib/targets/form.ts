import type { ConnectTargetInput } from "./schemas";

/** The connect form's flat fields (all strings, as a browser posts them). */
export type ConnectFormFields = Partial<
  Record<
    | "name"
    | "cloud"
    | "adapter"
    | "externalId"
    | "endpoint"
    | "region"
    | "credentialType"
    | "accessKeyIdVar"
    | "secretAccessKeyVar"
    | "sessionTokenVar"
    | "credentialVar"
    | "pim"
    | "ca"
    | "subject",
    string
  >
>;

const filled = (v: string | undefined) => (v && v.trim() !== "" ? v.trim() : undefined);

/**
 * Turns the form into the verb's input. Only the fields that apply to the chosen adapter and credential
 * type are kept, so a hidden field with a stale value never reaches the settings.
 */
export function connectInputFromForm(f: ConnectFormFields): ConnectTargetInput {
  const adapter = (f.adapter ?? "") as ConnectTargetInput["adapter"];
  const base = { name: f.name ?? "", cloud: (f.cloud ?? "") as ConnectTargetInput["cloud"], adapter };
  const externalId = f.externalId ?? "";
  if (adapter === "sandbox") return { ...base, externalId, settings: {} };
  const type = f.credentialType ?? "";
  const credentials =
    type === "env"
      ? {
          type,
          accessKeyIdVar: f.accessKeyIdVar ?? "",
          secretAccessKeyVar: f.secretAccessKeyVar ?? "",
          ...(filled(f.sessionTokenVar) ? { sessionTokenVar: filled(f.sessionTokenVar) } : {}),
        }
      : type === "env-json" || type === "env-token"
        ? { type, var: f.credentialVar ?? "" }
        : { type };
  const settings: Record<string, unknown> = { credentials };
  if (filled(f.endpoint)) settings.endpoint = filled(f.endpoint);
  if (adapter === "aws" && filled(f.region)) settings.region = filled(f.region);
  if (adapter === "azure") {
    settings.pim = f.pim === "on" || f.pim === "true";
    if (filled(f.ca)) settings.ca = filled(f.ca);
  }
  if (adapter === "kubernetes") {
    if (filled(f.ca)) settings.ca = filled(f.ca);
    if (filled(f.subject)) settings.subject = filled(f.subject);
  }
  return { ...base, externalId, settings };
}

/** Which form control an error's field (as the verb names it) belongs to. */
export function formFieldFor(field: string | undefined): keyof ConnectFormFields | "form" {
  if (!field) return "form";
  const map: Record<string, keyof ConnectFormFields> = {
    name: "name",
    cloud: "cloud",
    adapter: "adapter",
    externalId: "externalId",
    "settings.endpoint": "endpoint",
    "settings.region": "region",
    "settings.pim": "pim",
    "settings.ca": "ca",
    "settings.subject": "subject",
    "settings.credentials": "credentialType",
    "settings.credentials.type": "credentialType",
    "settings.credentials.accessKeyIdVar": "accessKeyIdVar",
    "settings.credentials.secretAccessKeyVar": "secretAccessKeyVar",
    "settings.credentials.sessionTokenVar": "sessionTokenVar",
    "settings.credentials.var": "credentialVar",
  };
  return map[field] ?? "form";
}
