"use client";

import { type FormEvent, startTransition, useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { describedBy, FieldError, FieldHint } from "@/components/ui/field";
import { Select, Textarea } from "@/components/ui/input";
import { CLOUD_LABELS, CLOUDS } from "@/lib/clouds/kinds";
import type { FormAction } from "@/lib/http/authed-action";
import type { TargetDetailDto } from "@/lib/targets/dto";
import { formFieldFor } from "@/lib/targets/form";
import { type CloudKey, CREDENTIAL_TYPES, CredentialFields } from "./credential-fields";
import { TextField } from "./text-field";

const SCOPE: Record<CloudKey, { label: string; placeholder: string; hint: string }> = {
  aws: { label: "AWS account id", placeholder: "123456789012", hint: "12 digits." },
  gcp: { label: "GCP project id", placeholder: "acme-prod-1", hint: "The project id, not its number." },
  azure: {
    label: "Azure subscription id",
    placeholder: "00000000-0000-0000-0000-000000000000",
    hint: "A GUID.",
  },
  kubernetes: {
    label: "Cluster name",
    placeholder: "prod-eu",
    hint: "Elevate's name for the cluster (lower-case letters, digits, hyphens); shown in kubeconfigs.",
  },
  okta: {
    label: "Okta org domain",
    placeholder: "acme.okta.com",
    hint: "The org's host name; Elevate calls https://<domain> unless an endpoint is set.",
  },
};

/** Connects a cloud account, project or subscription. Failed submissions keep what was typed. */
export function ConnectTargetForm({ action }: { action: FormAction<TargetDetailDto> }) {
  const [state, dispatch, pending] = useActionState(action, null);
  const [cloud, setCloud] = useState<CloudKey>("aws");
  const [adapter, setAdapter] = useState<string>("aws");
  const [credentialType, setCredentialType] = useState(CREDENTIAL_TYPES.aws[0].value);
  const error = state && !state.ok ? state.error : null;
  const errors: Partial<Record<string, string>> = error ? { [formFieldFor(error.field)]: error.message } : {};
  const connected = state?.ok ? state.data : null;

  const onCloud = (next: CloudKey) => {
    setCloud(next);
    setAdapter((a) => (a === "sandbox" ? a : next));
    setCredentialType(CREDENTIAL_TYPES[next][0].value);
  };
  // Dispatching by hand (not `action=`) keeps the fields filled when the server names an error.
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    startTransition(() => dispatch(data));
  };

  return (
    <form onSubmit={onSubmit} aria-label="Connect target" aria-busy={pending} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField id="target-name" name="name" label="Name" required maxLength={100} error={errors.name} />
        <div>
          <label htmlFor="target-cloud" className="block text-sm font-medium text-foreground">
            Cloud
          </label>
          <Select
            id="target-cloud"
            name="cloud"
            value={cloud}
            onChange={(e) => onCloud(e.target.value as CloudKey)}
          >
            {CLOUDS.map((c) => (
              <option key={c} value={c}>
                {CLOUD_LABELS[c]}
              </option>
            ))}
          </Select>
        </div>
        <TextField
          id="target-external-id"
          name="externalId"
          label={SCOPE[cloud].label}
          placeholder={SCOPE[cloud].placeholder}
          hint={SCOPE[cloud].hint}
          required
          error={errors.externalId}
        />
        <div>
          <label htmlFor="target-adapter" className="block text-sm font-medium text-foreground">
            Adapter
          </label>
          <Select
            id="target-adapter"
            name="adapter"
            value={adapter}
            onChange={(e) => setAdapter(e.target.value)}
            aria-invalid={errors.adapter ? true : undefined}
            aria-describedby={describedBy("target-adapter", { hint: true, error: Boolean(errors.adapter) })}
          >
            <option value={cloud}>{CLOUD_LABELS[cloud]} API (real cloud or a compatible endpoint)</option>
            <option value="sandbox">Sandbox (simulated, no credentials)</option>
          </Select>
          <FieldHint id="target-adapter">
            The sandbox simulates the cloud inside Elevate's database.
          </FieldHint>
          <FieldError id="target-adapter" message={errors.adapter} />
        </div>
      </div>
      {adapter === "sandbox" ? null : (
        <div className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              id="target-endpoint"
              name="endpoint"
              label={cloud === "kubernetes" ? "API server" : "Endpoint (optional)"}
              type="url"
              required={cloud === "kubernetes"}
              placeholder={
                cloud === "azure"
                  ? "https://management.azure.com"
                  : cloud === "kubernetes"
                    ? "https://203.0.113.10:6443"
                    : cloud === "okta"
                      ? "https://acme.okta.com"
                      : "https://…"
              }
              hint={
                cloud === "kubernetes"
                  ? "The cluster's API server; the server's operator must allow it (ELEVATE_ENDPOINT_ALLOWLIST)."
                  : cloud === "okta"
                    ? "Leave empty for https://<org domain>. Other hosts only when the operator allows them."
                    : "Leave empty for the cloud's public API. http:// only for 127.0.0.1 or localhost."
              }
              error={errors.endpoint}
            />
            {cloud === "aws" ? (
              <TextField
                id="target-region"
                name="region"
                label="Region (optional)"
                placeholder="us-east-1"
                error={errors.region}
              />
            ) : null}
          </div>
          <CredentialFields
            cloud={cloud}
            type={credentialType}
            onTypeChange={setCredentialType}
            errors={errors}
          />
          {cloud === "azure" ? <AzureFields errors={errors} /> : null}
          {cloud === "kubernetes" ? <KubernetesFields errors={errors} /> : null}
        </div>
      )}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? "Connecting…" : "Connect target"}
        </Button>
      </div>
      <FieldError id="target-form" message={errors.form} />
      {connected ? (
        <p role="status" className="text-sm text-foreground">
          Connected “{connected.name}”. Use “Test connection” in the list below to check it.
        </p>
      ) : null}
    </form>
  );
}

function AzureFields({ errors }: { errors: Partial<Record<string, string>> }) {
  return (
    <div className="space-y-4">
      <div className="flex items-start gap-2">
        <Checkbox id="target-pim" name="pim" aria-describedby="target-pim-hint" />
        <div>
          <label htmlFor="target-pim" className="text-sm font-medium text-foreground">
            Use PIM schedules (Entra ID P2)
          </label>
          <FieldHint id="target-pim">Azure itself then ends each assignment at the grant's expiry.</FieldHint>
        </div>
      </div>
      <CaField
        label="Extra CA certificate (PEM, optional)"
        hint="For an endpoint behind a private CA (a certificate, not a secret)."
        error={errors.ca}
      />
    </div>
  );
}

function KubernetesFields({ errors }: { errors: Partial<Record<string, string>> }) {
  return (
    <div className="space-y-4">
      <div>
        <label htmlFor="target-subject" className="block text-sm font-medium text-foreground">
          Who is bound
        </label>
        <Select
          id="target-subject"
          name="subject"
          defaultValue="serviceaccount"
          aria-describedby={describedBy("target-subject", { hint: true, error: Boolean(errors.subject) })}
        >
          <option value="serviceaccount">A ServiceAccount per grant, with a kubeconfig that expires</option>
          <option value="user">The person's own cluster identity (OIDC user name)</option>
        </Select>
        <FieldHint id="target-subject">
          RBAC bindings have no expiry: with a ServiceAccount per grant, the token itself ends with the grant.
        </FieldHint>
        <FieldError id="target-subject" message={errors.subject} />
      </div>
      <CaField
        label="Cluster CA certificate (PEM, optional)"
        hint="The API server's CA, as in a kubeconfig's certificate-authority-data."
        error={errors.ca}
      />
    </div>
  );
}

/** A PEM CA certificate for an endpoint behind a private CA (a certificate, never a secret). */
function CaField({ label, hint, error }: { label: string; hint: string; error?: string }) {
  return (
    <div>
      <label htmlFor="target-ca" className="block text-sm font-medium text-foreground">
        {label}
      </label>
      <Textarea
        id="target-ca"
        name="ca"
        rows={3}
        className="font-mono text-xs"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy("target-ca", { hint: true, error: Boolean(error) })}
      />
      <FieldHint id="target-ca">{hint}</FieldHint>
      <FieldError id="target-ca" message={error} />
    </div>
  );
}
