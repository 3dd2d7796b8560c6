import { createHash } from "node:crypto";
import type { TokenCredential } from "@azure/core-auth";
import { type AuthClient, GoogleAuth, OAuth2Client } from "google-auth-library";
import type { Db } from "@/db/client";
import { fromZod } from "@/lib/errors";
import {
  resolveAws,
  resolveAzure,
  resolveGcp,
  resolveKubernetes,
  resolveOkta,
} from "@/lib/targets/credentials";
import {
  type AwsSettings,
  type AzureSettings,
  type GcpSettings,
  type KubernetesSettings,
  type OktaSettings,
  SETTINGS_SCHEMAS,
} from "@/lib/targets/settings";
import { awsAdapter } from "./aws";
import { azureAdapter } from "./azure";
import { gcpAdapter } from "./gcp";
import { kubernetesAdapter } from "./kubernetes";
import { oktaAdapter } from "./okta";
import { type CloudAdapter, CloudError, type TargetRow } from "./port";
import { sandboxAdapter } from "./sandbox/adapter";

type TargetLike = Pick<TargetRow, "id" | "adapter" | "name" | "settings"> & { externalId?: string };
type Built = { fingerprint: string; adapter: CloudAdapter };
type CloudKind = Exclude<TargetRow["adapter"], "sandbox">;

/** One adapter per target, rebuilt when its settings change (keyed by a hash of them). */
const cache = new Map<string, { key: string; adapter: CloudAdapter }>();

/**
 * The adapter that serves a target. Settings that do not parse fail at once (permanent, no call was ever
 * possible); referenced secrets are read at each call, so a variable set or rotated later is picked up and
 * a missing one fails that call with a message naming the variable.
 */
export function adapterFor(db: Db, target: TargetLike): CloudAdapter {
  if (target.adapter === "sandbox") return sandboxAdapter(db);
  const settings = storedSettings(target);
  const key = createHash("sha256")
    .update(`${target.adapter}\u0000${JSON.stringify(settings)}`)
    .digest("hex");
  const hit = cache.get(target.id);
  if (hit?.key === key) return hit.adapter;
  const adapter = lazyAdapter(target.adapter, () =>
    build(target.adapter as CloudKind, settings, target.externalId),
  );
  cache.set(target.id, { key, adapter });
  return adapter;
}

/** Drops cached adapters (tests; or after rotating a secret to force new clients at once). */
export function clearAdapterCache(): void {
  cache.clear();
}

function storedSettings(target: TargetLike) {
  const schema = SETTINGS_SCHEMAS[target.adapter];
  const parsed = schema.safeParse(target.settings);
  if (!parsed.success) {
    const issue = fromZod(parsed.error).message;
    throw new CloudError(
      "permanent",
      `target ${target.name}: its settings do not suit the ${target.adapter} adapter (settings.${issue})`,
    );
  }
  return parsed.data;
}

/** Resolves the secrets, and builds a new SDK adapter only when they changed since the last call. */
function build(
  kind: CloudKind,
  settings: unknown,
  externalId?: string,
): { fingerprint: string; make: () => CloudAdapter } {
  switch (kind) {
    case "aws": {
      const s = settings as AwsSettings;
      const { material, fingerprint } = resolveAws(s);
      return {
        fingerprint,
        make: () =>
          awsAdapter({ endpoint: s.endpoint, region: s.region, credentials: material ?? undefined }),
      };
    }
    case "gcp": {
      const s = settings as GcpSettings;
      const { material, fingerprint } = resolveGcp(s);
      return {
        fingerprint,
        make: () =>
          gcpAdapter({
            authClient: material ? gcpAuthClient(material) : undefined,
            ...(s.endpoint
              ? { iamUrl: s.endpoint, resourceManagerUrl: s.endpoint, troubleshooterUrl: s.endpoint }
              : {}),
          }),
      };
    }
    case "azure": {
      const s = settings as AzureSettings;
      const { material, fingerprint } = resolveAzure(s);
      return {
        fingerprint,
        make: () => azureAdapter({ credential: staticToken(material), endpoint: s.endpoint, ca: s.ca }),
      };
    }
    case "kubernetes": {
      const s = settings as KubernetesSettings;
      const { material, fingerprint } = resolveKubernetes(s);
      return { fingerprint, make: () => kubernetesAdapter({ settings: s, token: material }) };
    }
    case "okta": {
      const s = settings as OktaSettings;
      const { material, fingerprint } = resolveOkta(s);
      const orgUrl = s.endpoint ?? `https://${externalId}`;
      return {
        fingerprint: `${fingerprint}\u0000${orgUrl}`,
        make: () => oktaAdapter({ orgUrl, token: material }),
      };
    }
  }
}

function lazyAdapter(
  kind: CloudKind,
  resolve: () => { fingerprint: string; make: () => CloudAdapter },
): CloudAdapter {
  let built: Built | undefined;
  const current = async (): Promise<CloudAdapter> => {
    const next = resolve();
    if (built?.fingerprint !== next.fingerprint)
      built = { fingerprint: next.fingerprint, adapter: next.make() };
    return built.adapter;
  };
  return {
    kind,
    ensureRole: async (t, spec) => (await current()).ensureRole(t, spec),
    bind: async (t, b) => (await current()).bind(t, b),
    unbind: async (t, id) => (await current()).unbind(t, id),
    inspect: async (t, id) => (await current()).inspect(t, id),
    listManaged: async (t) => (await current()).listManaged(t),
    deleteRole: async (t, name) => (await current()).deleteRole(t, name),
    // Every cloud answers for the grant's principal (port.ts, checkAccess).
    checkAccess: async (...args: Parameters<NonNullable<CloudAdapter["checkAccess"]>>) => {
      const adapter = await current();
      if (!adapter.checkAccess) throw new CloudError("permanent", `${kind}: no access check`);
      return adapter.checkAccess(...args);
    },
    // AWS and Okta have no catalog sync (iam-data; Okta's documented list): leave it absent, not failing.
    ...(kind === "aws" || kind === "okta"
      ? {}
      : {
          syncCatalog: async (t: TargetRow) => {
            const adapter = await current();
            if (!adapter.syncCatalog) throw new CloudError("permanent", `${kind}: no catalog sync`);
            return adapter.syncCatalog(t);
          },
        }),
    // Only Kubernetes issues a credential per grant (port.ts, issueKubeconfig).
    ...(kind === "kubernetes"
      ? {
          issueKubeconfig: async (...args: Parameters<NonNullable<CloudAdapter["issueKubeconfig"]>>) => {
            const adapter = await current();
            if (!adapter.issueKubeconfig) throw new CloudError("permanent", `${kind}: no kubeconfigs`);
            return adapter.issueKubeconfig(...args);
          },
        }
      : {}),
    // Only GCP has deny policies a freeze creates (port.ts, denyPrincipal).
    ...(kind === "gcp"
      ? {
          denyPrincipal: async (...args: Parameters<NonNullable<CloudAdapter["denyPrincipal"]>>) => {
            const adapter = await current();
            if (!adapter.denyPrincipal) throw new CloudError("permanent", `${kind}: no deny policies`);
            return adapter.denyPrincipal(...args);
          },
          removeDeny: async (...args: Parameters<NonNullable<CloudAdapter["removeDeny"]>>) => {
            const adapter = await current();
            if (!adapter.removeDeny) throw new CloudError("permanent", `${kind}: no deny policies`);
            return adapter.removeDeny(...args);
          },
        }
      : {}),
  };
}

export function gcpAuthClient(c: { json: Record<string, unknown> } | { accessToken: string }): AuthClient {
  if ("accessToken" in c) {
    // A bare token has no refresh: it works until the cloud says it expired (then "credentials rejected").
    const client = new OAuth2Client();
    client.setCredentials({ access_token: c.accessToken });
    return client;
  }
  const auth = new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"] });
  return auth.fromJSON(c.json) as AuthClient;
}

/** A bearer token read from the environment; Azure asks again before each call, so rotation applies. */
function staticToken(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 5 * 60_000 }) };
}
