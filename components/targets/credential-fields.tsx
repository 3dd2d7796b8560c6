import { describedBy, FieldError, FieldHint } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import type { Cloud } from "@/lib/clouds/kinds";
import { TextField } from "./text-field";

export type CloudKey = Cloud;
type Errors = Partial<Record<string, string>>;

/** Credential kinds each cloud accepts, in the order offered (first is the default). */
export const CREDENTIAL_TYPES: Record<CloudKey, { value: string; label: string }[]> = {
  aws: [
    { value: "env", label: "Access key in environment variables" },
    { value: "default", label: "SDK default chain (instance role, profile, SSO)" },
  ],
  gcp: [
    { value: "env-json", label: "Service-account JSON or access token in an environment variable" },
    { value: "default", label: "Application Default Credentials" },
  ],
  azure: [{ value: "env-token", label: "ARM bearer token in an environment variable" }],
  kubernetes: [{ value: "env-token", label: "API server bearer token in an environment variable" }],
  okta: [{ value: "env-token", label: "Okta API token (SSWS) in an environment variable" }],
};

const ENV_HINT =
  "The NAME of an environment variable on the Elevate server, e.g. ELEVATE_CLOUD_PROD_AWS_SECRET.";

/** Where the credentials come from: variable names only; the secrets never pass through this form. */
export function CredentialFields({
  cloud,
  type,
  onTypeChange,
  errors,
}: {
  cloud: CloudKey;
  type: string;
  onTypeChange: (t: string) => void;
  errors: Errors;
}) {
  const typeError = errors.credentialType;
  return (
    <fieldset className="space-y-3 rounded-md border border-border p-3">
      <legend className="px-1 text-sm font-medium">Credentials (by reference)</legend>
      <div>
        <label htmlFor="target-credential-type" className="block text-sm font-medium text-foreground">
          Credential source
        </label>
        <Select
          id="target-credential-type"
          name="credentialType"
          value={type}
          onChange={(e) => onTypeChange(e.target.value)}
          aria-invalid={typeError ? true : undefined}
          aria-describedby={describedBy("target-credential-type", { hint: true, error: Boolean(typeError) })}
        >
          {CREDENTIAL_TYPES[cloud].map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </Select>
        <FieldHint id="target-credential-type">
          Secrets stay in the server's environment; Elevate stores and shows only the variable names.
        </FieldHint>
        <FieldError id="target-credential-type" message={typeError} />
      </div>
      {type === "env" ? (
        <>
          <TextField
            id="target-access-key-var"
            name="accessKeyIdVar"
            label="Access key id variable"
            hint={ENV_HINT}
            required
            error={errors.accessKeyIdVar}
          />
          <TextField
            id="target-secret-key-var"
            name="secretAccessKeyVar"
            label="Secret access key variable"
            hint={ENV_HINT}
            required
            error={errors.secretAccessKeyVar}
          />
          <TextField
            id="target-session-token-var"
            name="sessionTokenVar"
            label="Session token variable (optional)"
            error={errors.sessionTokenVar}
          />
        </>
      ) : null}
      {type === "env-json" || type === "env-token" ? (
        <TextField
          id="target-credential-var"
          name="credentialVar"
          label={type === "env-json" ? "Service-account JSON / token variable" : "ARM token variable"}
          hint={ENV_HINT}
          required
          error={errors.credentialVar}
        />
      ) : null}
    </fieldset>
  );
}
