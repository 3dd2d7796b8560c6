import { Validation } from "@/lib/errors";

const SECRET_KEY =
  /secret|password|passwd|token|private_?key|access_?key|api_?key|client_?key|sas|credential/i;
const REFERENCE_KEYS = new Set([
  "credentials",
  "accessKeyIdVar",
  "secretAccessKeyVar",
  "sessionTokenVar",
  "var",
]);
const SECRET_VALUE =
  /PRIVATE KEY-----|"private_key"\s*:|"client_secret"\s*:|"refresh_token"\s*:|^eyJ[\w-]{20,}\./;

/**
 * Settings may only name where a secret lives. A field that looks like it carries the secret itself is
 * refused with an error naming it, before the schema's generic "unrecognized key" could hide why.
 */
export function rejectInlineSecrets(settings: unknown, path = "settings"): void {
  if (typeof settings === "string") {
    if (SECRET_VALUE.test(settings.trim())) throw inline(path);
    return;
  }
  if (typeof settings !== "object" || settings === null) return;
  if (path === "settings.credentials" && Array.isArray(settings)) throw inline(path);
  for (const [key, value] of Object.entries(settings)) {
    const here = `${path}.${key}`;
    if (!REFERENCE_KEYS.has(key) && SECRET_KEY.test(key)) throw inline(here);
    if (key === "credentials" && typeof value === "string") throw inline(here);
    rejectInlineSecrets(value, here);
  }
}

function inline(field: string) {
  return Validation(
    field,
    "inline secrets are not accepted; put the secret in an environment variable on the Elevate server " +
      'and reference it by name, e.g. credentials: {type: "env", accessKeyIdVar: "ELEVATE_CLOUD_AWS_KEY_ID", ' +
      'secretAccessKeyVar: "ELEVATE_CLOUD_AWS_SECRET"}',
  );
}
