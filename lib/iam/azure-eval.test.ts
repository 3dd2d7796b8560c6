import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AzureAssignment, AzurePermissions, AzureRequest } from "./azure-eval";
import { checkAzureScope, evaluateAzure, MAX_SCOPE_LENGTH, scopeContains } from "./azure-eval";

const SUB = "/subscriptions/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d";
const RG = `${SUB}/resourceGroups/rg-data`;
const ACCT = `${RG}/providers/Microsoft.Storage/storageAccounts/acct`;
const ORDERS = `${ACCT}/blobServices/default/containers/orders`;
const ARCHIVE = `${ACCT}/blobServices/default/containers/orders-archive`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/v`;
const SECRET = `${VAULT}/secrets/s`;
const VM = `${RG}/providers/Microsoft.Compute/virtualMachines/vm1`;
const T = new Date("2025-06-01T12:00:00Z");
const HOUR = 3_600_000;

// Built-in role permissions as published at
// https://learn.microsoft.com/en-us/azure/role-based-access-control/built-in-roles (and role-definitions).
const role = (...permissions: AzurePermissions[]) => ({ permissions, assignableScopes: ["/"] });
const OWNER = role({ actions: ["*"] });
const READER = role({ actions: ["*/read"] });
const CONTRIBUTOR = role({
  actions: ["*"],
  notActions: [
    "Microsoft.Authorization/*/Delete",
    "Microsoft.Authorization/*/Write",
    "Microsoft.Authorization/elevateAccess/Action",
    "Microsoft.Blueprint/blueprintAssignments/write",
    "Microsoft.Blueprint/blueprintAssignments/delete",
  ],
});
const USER_ACCESS_ADMIN = role({ actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"] });
const BLOB_READER = role({
  actions: [
    "Microsoft.Storage/storageAccounts/blobServices/containers/read",
    "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
  ],
  dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
});
const KV_SECRETS_USER = role({
  dataActions: [
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
    "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
  ],
});
const VM_USER_LOGIN = role({
  actions: [
    "Microsoft.Network/publicIPAddresses/read",
    "Microsoft.Network/virtualNetworks/read",
    "Microsoft.Network/loadBalancers/read",
    "Microsoft.Network/networkInterfaces/read",
    "Microsoft.Compute/virtualMachines/*/read",
    "Microsoft.HybridCompute/machines/*/read",
    "Microsoft.HybridConnectivity/endpoints/listCredentials/action",
  ],
  dataActions: [
    "Microsoft.Compute/virtualMachines/login/action",
    "Microsoft.HybridCompute/machines/login/action",
  ],
});

const CONTAINERS = "Microsoft.Storage/storageAccounts/blobServices/containers";
const [CONT_READ, BLOB_READ] = [`${CONTAINERS}/read`, `${CONTAINERS}/blobs/read`];
const BLOB_DELETE = `${CONTAINERS}/blobs/delete`;
const STORAGE = "Microsoft.Storage/storageAccounts";
const VMS = "Microsoft.Compute/virtualMachines";
const [GET_SECRET, VM_LOGIN] = ["Microsoft.KeyVault/vaults/secrets/getSecret/action", `${VMS}/login/action`];
const [RA_READ, RA_WRITE] = ["read", "write"].map((x) => `Microsoft.Authorization/roleAssignments/${x}`);
const RD = "Microsoft.Resources/subscriptions/resourceGroups/read";

const a = (s: string, r: AzureAssignment["role"], x?: Partial<AzureAssignment>): AzureAssignment =>
  Object.assign({ scope: s, role: r }, x);
const q = (operation: string, resourceId: string, x?: Partial<AzureRequest>): AzureRequest =>
  Object.assign({ operation, dataAction: false, resourceId, time: T }, x);
const d = (operation: string, resourceId: string, x?: Partial<AzureRequest>) =>
  q(operation, resourceId, { dataAction: true, ...x });
const decide = (as: AzureAssignment[], r: AzureRequest) => evaluateAzure(as, r).decision;
const at = (ms: number) => ({ time: new Date(T.getTime() + ms) });
const PIM = { startDateTime: new Date(T.getTime() - HOUR), endDateTime: new Date(T.getTime() + HOUR) };
const NAN = new Date(Number.NaN);
const NO_DELETE = role({ dataActions: [`${CONTAINERS}/blobs/*`], notDataActions: [BLOB_DELETE] });
const DATA_STAR = role({ dataActions: ["*"] });
const ACTION_BLOB = role({ actions: [BLOB_READ] });
const WILD = role({ actions: ["Microsoft.Network/*/read", "Microsoft.Cost*/exports/*", "*/rea?"] });
const custom = (assignableScopes: string[]) => ({ permissions: [{ actions: ["*/read"] }], assignableScopes });
const [OTHER_SUB, SUB_GUID] = ["/subscriptions/00000000-0000-0000-0000-000000000001", SUB.split("/")[2]];
const ME = { principalId: "AAAAAAAA-0000-4000-8000-000000000001" };
const YOU = { principalId: "bbbbbbbb-0000-4000-8000-000000000001" };

type Case = [label: string, assignments: AzureAssignment[], request: AzureRequest, want: "allow" | "deny"];
const cases: Case[] = [
  // Permissions, https://learn.microsoft.com/en-us/azure/role-based-access-control/role-definitions
  ["Blob Data Reader: blob read (DataActions)", [a(ORDERS, BLOB_READER)], d(BLOB_READ, ORDERS), "allow"],
  ["Blob Data Reader: container read (Actions)", [a(ORDERS, BLOB_READER)], q(CONT_READ, ORDERS), "allow"],
  ["Blob Data Reader: no blob delete", [a(ORDERS, BLOB_READER)], d(BLOB_DELETE, ORDERS), "deny"],
  ["Blob Data Reader: blob read is no action", [a(ORDERS, BLOB_READER)], q(BLOB_READ, ORDERS), "deny"],
  ["a data action in Actions grants nothing", [a(ORDERS, ACTION_BLOB)], d(BLOB_READ, ORDERS), "deny"],
  ["Owner's * grants no data action", [a(SUB, OWNER)], d(BLOB_READ, ORDERS), "deny"],
  ["Owner's * grants control actions", [a(SUB, OWNER)], q(`${STORAGE}/listKeys/action`, ACCT), "allow"],
  ["DataActions * grants no control action", [a(SUB, DATA_STAR)], q(`${STORAGE}/read`, ACCT), "deny"],
  ["Contributor: NotActions */Write subtracts", [a(SUB, CONTRIBUTOR)], q(RA_WRITE, RG), "deny"],
  ["Contributor: case-insensitive", [a(SUB, CONTRIBUTOR)], q(RA_WRITE.toUpperCase(), RG), "deny"],
  ["Contributor: reads assignments", [a(SUB, CONTRIBUTOR)], q(RA_READ, RG), "allow"],
  ["Contributor: starts VMs", [a(SUB, CONTRIBUTOR)], q(`${VMS}/start/action`, VM), "allow"],
  ["NotActions is no deny", [a(SUB, CONTRIBUTOR), a(RG, USER_ACCESS_ADMIN)], q(RA_WRITE, RG), "allow"],
  ["...the other role's scope", [a(SUB, CONTRIBUTOR), a(RG, USER_ACCESS_ADMIN)], q(RA_WRITE, SUB), "deny"],
  ["NotDataActions subtract", [a(ACCT, NO_DELETE)], d(BLOB_DELETE, ORDERS), "deny"],
  ["...the rest stays", [a(ACCT, NO_DELETE)], d(BLOB_READ, ORDERS), "allow"],
  ["*/read reads", [a(SUB, READER)], q(`${VMS}/read`, VM), "allow"],
  ["*/read does not write", [a(SUB, READER)], q(`${VMS}/write`, VM), "deny"],
  ["* across segments", [a(SUB, WILD)], q("Microsoft.Network/virtualNetworks/subnets/read", SUB), "allow"],
  ["* inside a segment", [a(SUB, WILD)], q("microsoft.costmanagement/exports/run/action", SUB), "allow"],
  ["no ? wildcard in Azure", [a(SUB, WILD)], q(`${VMS}/read`, VM), "deny"],
  ["a request is one concrete operation", [a(SUB, OWNER)], q("Microsoft.Compute/*", VM), "deny"],
  // Scope, https://learn.microsoft.com/en-us/azure/role-based-access-control/scope-overview
  ["root / reaches a container", [a("/", READER)], q(RD, ORDERS), "allow"],
  ["subscription reaches a container", [a(SUB, READER)], q(RD, ORDERS), "allow"],
  ["resource group reaches a container", [a(RG, READER)], q(RD, ORDERS), "allow"],
  ["never upward: RG to subscription", [a(RG, READER)], q(RD, SUB), "deny"],
  ["never upward: container to account", [a(ORDERS, BLOB_READER)], q(CONT_READ, ACCT), "deny"],
  ["prefix sibling container", [a(ORDERS, BLOB_READER)], d(BLOB_READ, ARCHIVE), "deny"],
  ["prefix sibling resource group", [a(RG, READER)], q(RD, `${SUB}/resourceGroups/rg-data2`), "deny"],
  ["shorter sibling resource group", [a(`${SUB}/resourceGroups/rg`, READER)], q(RD, RG), "deny"],
  ["scopes compare case-insensitively", [a(RG.toUpperCase(), READER)], q(RD, ORDERS.toLowerCase()), "allow"],
  ["KV Secrets User on the secret", [a(SECRET, KV_SECRETS_USER)], d(GET_SECRET, SECRET), "allow"],
  ["KV Secrets User on the vault", [a(VAULT, KV_SECRETS_USER)], d(GET_SECRET, SECRET), "allow"],
  ["KV secret: sibling secret", [a(SECRET, KV_SECRETS_USER)], d(GET_SECRET, `${VAULT}/secrets/s2`), "deny"],
  ["KV secret: not the vault", [a(SECRET, KV_SECRETS_USER)], d(GET_SECRET, VAULT), "deny"],
  ["KV secret: data plane only", [a(SECRET, KV_SECRETS_USER)], q(GET_SECRET, SECRET), "deny"],
  ["KV secret: Owner cannot getSecret", [a(RG, OWNER)], d(GET_SECRET, SECRET), "deny"],
  ["VM User Login: login", [a(VM, VM_USER_LOGIN)], d(VM_LOGIN, VM), "allow"],
  ["VM User Login: no loginAsAdmin", [a(VM, VM_USER_LOGIN)], d(`${VMS}/loginAsAdmin/action`, VM), "deny"],
  ["VM User Login: not vm10", [a(VM, VM_USER_LOGIN)], d(VM_LOGIN, `${VM}0`), "deny"],
  ["VM User Login: data plane only", [a(VM, VM_USER_LOGIN)], q(VM_LOGIN, VM), "deny"],
  ["within assignable scopes", [a(RG, custom([SUB]))], q(RD, RG), "allow"],
  ["outside assignable scopes", [a(RG, custom([OTHER_SUB]))], q(RD, RG), "deny"],
  ["assignable scopes are whole segments", [a(RG, custom([`${SUB}/resourceGroups/rg`]))], q(RD, RG), "deny"],
  ["invalid assignment scope", [a(`${SUB}/`, READER)], q(RD, RG), "deny"],
  ["invalid resource id", [a(SUB, READER)], q(RD, `${RG}//x`), "deny"],
  ["resource id without subscriptions/", [a("/", READER)], q(RD, `/${SUB_GUID}`), "deny"],
  // PIM schedules apply within [start, end); principals compare as GUIDs.
  ["PIM: inside", [a(SUB, READER, PIM)], q(RD, RG), "allow"],
  ["PIM: at start", [a(SUB, READER, PIM)], q(RD, RG, at(-HOUR)), "allow"],
  ["PIM: before start", [a(SUB, READER, PIM)], q(RD, RG, at(-HOUR - 1)), "deny"],
  ["PIM: at end", [a(SUB, READER, PIM)], q(RD, RG, at(HOUR)), "deny"],
  ["PIM: end only", [a(SUB, READER, { endDateTime: PIM.endDateTime })], q(RD, RG, at(-1e12)), "allow"],
  ["PIM: unreadable start", [a(SUB, READER, { startDateTime: NAN })], q(RD, RG), "deny"],
  ["unreadable request time", [a(SUB, READER)], q(RD, RG, { time: NAN }), "deny"],
  ["same principal", [a(SUB, READER, ME)], q(RD, RG, { principalId: ME.principalId.toLowerCase() }), "allow"],
  ["other principal", [a(SUB, READER, ME)], q(RD, RG, YOU), "deny"],
];

describe("evaluateAzure", () => {
  it.each(cases)("%s", (_label, as, r, want) => expect(decide(as, r)).toBe(want));

  it("says why: the NotActions entry that subtracted, or the assignment that granted", () => {
    expect(evaluateAzure([a(SUB, CONTRIBUTOR)], q(RA_WRITE, RG)).reason).toContain(
      "Microsoft.Authorization/*/Write",
    );
    expect(evaluateAzure([a(VM, VM_USER_LOGIN)], d(VM_LOGIN, VM)).reason).toContain(`#0 at ${VM}`);
  });
});

describe("checkAzureScope / scopeContains", () => {
  const prefix = `${ACCT}/blobServices/default/containers/`;
  const long = (n: number) => `${prefix}${"c".repeat(n - prefix.length)}`;
  it.each([
    "/",
    SUB,
    `${SUB.toUpperCase()}/RESOURCEGROUPS/My_RG.(1)`,
    ORDERS,
    SECRET,
    `${SUB}/resourceGroups/données`,
    `${SUB}/providers/Microsoft.Security/pricings/VirtualMachines`,
    "/providers/Microsoft.Management/managementGroups/marketing-group",
    long(MAX_SCOPE_LENGTH),
  ])("accepts %s", (s) => expect(checkAzureScope(s)).toBeNull());

  it.each([
    "",
    "//",
    `${SUB}/`,
    `${SUB}//resourceGroups/rg`,
    "/subscriptions/not-a-guid",
    `${SUB}/resourceGroups`,
    `${SUB}/resourceGroups/rg.`,
    `${SUB}/resourceGroups/${"r".repeat(91)}`,
    `${SUB}/resourceGroups/rg/providers/Microsoft.Storage`,
    `${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts`,
    `${ACCT}/providers/Microsoft.Insights/diagnosticSettings/d`,
    `${RG}/providers/Microsoft.Storage/storageAccounts/a*`,
    `${RG}/providers/Microsoft.Storage/storageAccounts/a%2Fb`,
    `${SUB}/foo/bar`,
    "subscriptions/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d",
    "/providers/Microsoft.Management/managementGroups/mg/subscriptions/x",
    "/providers/Microsoft.Management/managementGroups/mg.",
    long(MAX_SCOPE_LENGTH + 1),
  ])("refuses %s", (s) => expect(checkAzureScope(s)).not.toBeNull());

  it("contains on whole segments", () => {
    expect(scopeContains("/", ORDERS)).toBe(true);
    expect(scopeContains(ORDERS, ORDERS.toLowerCase())).toBe(true);
    expect(scopeContains(ORDERS, ARCHIVE)).toBe(false);
    expect(scopeContains(ORDERS, ACCT)).toBe(false);
    expect(scopeContains(RG, `${RG}x`)).toBe(false);
    expect(scopeContains("/providers/Microsoft.Management/managementGroups/mg", SUB)).toBe(false);
    expect(scopeContains(`${SUB}/`, RG)).toBe(false);
  });
});

describe("property: moving an assignment to a child scope never grants anything at the parent", () => {
  const chain = fc
    .tuple(fc.uuid(), fc.constantFrom("rg", "RG.Data(1)"), fc.constantFrom("orders", "orders-archive"))
    .map(([sub, rg, n]) => {
      const storage = `providers/Microsoft.Storage/storageAccounts/${n}`;
      const parts = [
        `subscriptions/${sub}`,
        `resourceGroups/${rg}`,
        storage,
        "blobServices/default",
        `containers/${n}`,
      ];
      return ["/", ...parts.map((_, k) => `/${parts.slice(0, k + 1).join("/")}`)];
    });
  const list = fc.array(
    fc.constantFrom("*", "*/read", "*/action", "Microsoft.Storage/*", `${CONTAINERS}/*`, BLOB_READ),
  );
  const perms = fc.record({ actions: list, notActions: list, dataActions: list, notDataActions: list });
  const others = fc.array(fc.tuple(fc.nat(5), perms), { maxLength: 2 });
  const op = fc.constantFrom(BLOB_READ, `${STORAGE}/read`, CONT_READ);
  const args = fc.tuple(chain, fc.nat(5), fc.nat(5), perms, others, op, fc.boolean(), fc.boolean());

  it("holds for any roles, operation, plane and pair of nested scopes (seeded)", () => {
    fc.assert(
      fc.property(args, ([ch, x, y, p, rest, operation, dataAction, shout]) => {
        fc.pre(x !== y);
        const [parent, child] = [ch[Math.min(x, y)], ch[Math.max(x, y)]];
        const r = { operation, dataAction, resourceId: parent, time: T };
        const base = rest.map(([k, perm]) => a(ch[k], role(perm)));
        const moved = a(shout ? child.toUpperCase() : child, role(p));
        expect(decide([...base, moved], r)).toBe(decide(base, r));
        expect(decide([moved], r)).toBe("deny");
        expect(decide([moved], { ...r, resourceId: `${child}-archive` })).toBe("deny");
        // Inheritance runs downward only: the same role at the parent decides the child as it decides the parent.
        expect(decide([a(parent, role(p))], { ...r, resourceId: child })).toBe(
          decide([a(parent, role(p))], r),
        );
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
