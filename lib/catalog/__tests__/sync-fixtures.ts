import type { FakeDefinition, FakeProvider, FakeProviderOperation } from "@/lib/clouds/fakes/azure";
import type { FakePredefinedRole, FakeTestablePermission } from "@/lib/clouds/fakes/gcp";
import { gcpRoleJson, readDataset } from "./datasets";

/** A few real predefined GCP roles from the iam-dataset (lib/catalog/data, or ELEVATE_DATASETS_DIR). */
const GCP_ROLES = [
  "run.viewer",
  "logging.viewer",
  "storage.objectViewer",
  "pubsub.viewer",
  "bigquery.dataViewer",
  "cloudsql.viewer",
  "secretmanager.viewer",
  "dns.reader",
  "iam.roleViewer",
  "monitoring.viewer",
];

/** The fake Google's catalog: real roles, and their permissions as testable ones with varied support. */
export function gcpCatalog(): { roles: FakePredefinedRole[]; testable: FakeTestablePermission[] } {
  const roles = GCP_ROLES.map((id) => JSON.parse(gcpRoleJson(id)) as FakePredefinedRole);
  const names = [...new Set(roles.flatMap((r) => r.includedPermissions ?? []))].sort();
  // SUPPORTED is Google's default value, so the real API omits it: leave it out for most.
  const testable = names.map((name, i): FakeTestablePermission => {
    const level = i % 10 === 3 ? "TESTING" : i % 10 === 7 ? "NOT_SUPPORTED" : undefined;
    return { name, title: name, stage: "GA", ...(level ? { customRolesSupportLevel: level } : {}) };
  });
  return { roles, testable };
}

type RawAzureRole = {
  name: string;
  roleName: string;
  description?: string;
  permissions: FakeDefinition["permissions"];
};

/** The fake Azure's catalog: real built-in roles, and provider operations made of their concrete actions. */
export function azureCatalog(count = 25): { builtIns: FakeDefinition[]; providers: FakeProvider[] } {
  const raw = (JSON.parse(readDataset("azure/built-in-roles-raw.json")) as RawAzureRole[]).slice(0, count);
  const builtIns = raw.map((r) => ({
    guid: r.name,
    roleName: r.roleName,
    description: r.description ?? "",
    permissions: r.permissions,
    assignableScopes: ["/"],
    createdOn: "2015-02-02T21:55:09.880Z",
  }));
  const byProvider = new Map<string, Map<string, FakeProviderOperation[]>>();
  for (const r of raw) {
    for (const p of r.permissions) {
      for (const [list, isDataAction] of [
        [p.actions ?? [], false],
        [p.dataActions ?? [], true],
      ] as const) {
        for (const name of list.filter((a) => !a.includes("*"))) {
          const [provider, type = "operations"] = name.split("/");
          const types = byProvider.get(provider) ?? new Map<string, FakeProviderOperation[]>();
          byProvider.set(provider, types);
          const ops = types.get(type) ?? [];
          types.set(type, ops);
          if (!ops.some((o) => o.name === name))
            ops.push({ name, displayName: name, description: `Real operation ${name}`, isDataAction });
        }
      }
    }
  }
  const providers = [...byProvider].map(([name, types]) => ({
    name,
    displayName: name,
    operations: [],
    resourceTypes: [...types].map(([t, operations]) => ({ name: t, displayName: t, operations })),
  }));
  return { builtIns, providers };
}
