import { z } from "zod";
import { azureAccessLevel, serviceOf } from "../access-level";
import type { CatalogRole, RawEntry } from "../types";
import { parseJsonAs } from "./parse-json";

/** Real exports hold odd names (`faces:detect/action`, trailing spaces, `{operationName}`): keep the usable ones. */
export const AZURE_OPERATION = /^[A-Za-z][A-Za-z0-9.]*(\/[A-Za-z0-9.*:_-]+)+$/;
const Operation = z.string().min(1, "an operation name is empty");

const RoleDefinition = z.object({
  name: z.string().min(1),
  roleName: z.string().min(1),
  description: z.string().nullish(),
  permissions: z
    .array(
      z.object({
        actions: z.array(Operation).default([]),
        dataActions: z.array(Operation).nullish(),
      }),
    )
    .min(1, "a role definition needs permissions"),
});

const ProviderOperation = z.object({
  name: Operation,
  displayName: z.string().nullish(),
  description: z.string().nullish(),
  isDataAction: z.boolean().nullish(),
});
const Provider = z.object({
  name: z.string().min(1),
  operations: z.array(ProviderOperation).nullish(),
  resourceTypes: z
    .array(z.object({ name: z.string(), operations: z.array(ProviderOperation).nullish() }))
    .nullish(),
});

export type AzureImport = { entries: RawEntry[]; roles: CatalogRole[]; wildcardPatterns: number };

const entry = (name: string, description: string, dataAction: boolean): RawEntry => ({
  cloud: "azure",
  service: serviceOf("azure", name),
  name,
  description,
  accessLevel: azureAccessLevel(name),
  resourceTypes: [],
  conditionKeys: [],
  ...(dataAction ? { dataAction: true } : {}),
});

/**
 * `az role definition list`: the roles, and every concrete operation they name. Wildcard patterns are not
 * permissions; they are counted, and expanded later against the catalog.
 */
export function parseAzRoleDefinitions(content: string): AzureImport {
  const defs = parseJsonAs(
    z.array(RoleDefinition).min(1, "no role definitions"),
    content,
    "az role definition list",
  );
  const ops = new Map<string, RawEntry>();
  let wildcardPatterns = 0;
  const roles: CatalogRole[] = [];
  for (const d of defs) {
    const all: string[] = [];
    for (const p of d.permissions) {
      for (const [list, data] of [
        [p.actions, false],
        [p.dataActions ?? [], true],
      ] as const) {
        for (const raw of list) {
          const op = raw.trim();
          all.push(op);
          if (op.includes("*") || !AZURE_OPERATION.test(op)) wildcardPatterns++;
          else if (!ops.has(op.toLowerCase())) ops.set(op.toLowerCase(), entry(op, "", data));
        }
      }
    }
    roles.push({
      cloud: "azure",
      name: d.roleName,
      title: d.roleName,
      description: d.description ?? "",
      stage: null,
      permissions: [...new Set(all)].sort(),
    });
  }
  return { entries: [...ops.values()], roles, wildcardPatterns };
}

/** `az provider operation list`: every operation of every resource provider, with descriptions. */
export function parseAzProviderOperations(content: string): AzureImport {
  const providers = parseJsonAs(
    z.array(Provider).min(1, "no providers"),
    content,
    "az provider operation list",
  );
  const ops = new Map<string, RawEntry>();
  for (const p of providers) {
    const all = [...(p.operations ?? []), ...(p.resourceTypes ?? []).flatMap((rt) => rt.operations ?? [])];
    for (const o of all) {
      if (!AZURE_OPERATION.test(o.name)) continue;
      const description = o.description || o.displayName || "";
      ops.set(o.name.toLowerCase(), entry(o.name, description, o.isDataAction === true));
    }
  }
  return { entries: [...ops.values()], roles: [], wildcardPatterns: 0 };
}
