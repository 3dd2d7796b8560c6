import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { apiTokenFor, callApi, setupApiDatabase } from "@/lib/testing/api";
import { createTestOrg } from "@/lib/testing/db";
import { GET as searchCatalog } from "../../catalog/route";
import { GET as getTemplate, PUT as updateTemplate } from "../[key]/route";
import { GET as versions } from "../[key]/versions/route";
import { POST as preview } from "../preview/route";
import { POST as createTemplate, GET as listTemplates } from "../route";

const apiDb = setupApiDatabase();
let db: Db;
beforeAll(() => {
  db = apiDb();
});

const call = callApi;

const tokenFor = (org: SeededOrg, who: keyof SeededOrg["users"]) => apiTokenFor(db, org, who);

async function setup() {
  const org = await createTestOrg(db);
  return { org, admin: await tokenFor(org, "admin"), requester: await tokenFor(org, "requester") };
}

const NEW = {
  key: "queue.read",
  name: "Read a queue",
  description: "Peek at messages on one queue",
  risk: "medium",
  permissions: { aws: ["sqs:ReceiveMessage"], gcp: ["compute.instances.g?t"], azure: [] },
};

describe("GET /api/v1/catalog", () => {
  const names = (json: { results: { kind: string; name: string }[] }, kind = "template") =>
    json.results.filter((r) => r.kind === kind).map((r) => r.name);

  it('finds the right templates for "ssh", "restart vm" and "read bucket", templates first', async () => {
    const { requester } = await setup();
    const ssh = await call(searchCatalog, "GET", "/catalog?q=ssh", { token: requester });
    expect(ssh.status).toBe(200);
    expect(names(ssh.json)[0]).toBe("vm.ssh");
    expect(ssh.json.results[0].kind).toBe("template");
    const restart = await call(searchCatalog, "GET", "/catalog?q=restart%20vm", { token: requester });
    expect(names(restart.json)[0]).toBe("vm.restart");
    const bucket = await call(searchCatalog, "GET", "/catalog?q=read%20bucket", { token: requester });
    expect(names(bucket.json)[0]).toBe("bucket.read");
    // Typo tolerance, and permissions on every cloud when asked per cloud.
    expect(
      names((await call(searchCatalog, "GET", "/catalog?q=restrat%20vm", { token: requester })).json),
    ).toContain("vm.restart");
    for (const cloud of ["aws", "gcp", "azure"]) {
      const r = await call(searchCatalog, "GET", `/catalog?q=read%20bucket&cloud=${cloud}&kind=permission`, {
        token: requester,
      });
      expect(r.json.results.length).toBeGreaterThan(0);
      expect(r.json.results.every((x: { cloud: string }) => x.cloud === cloud)).toBe(true);
    }
  });

  it("filters by access level and risk, and names a bad query field", async () => {
    const { requester } = await setup();
    const r = await call(searchCatalog, "GET", "/catalog?q=role&cloud=aws&accessLevel=permissions&limit=5", {
      token: requester,
    });
    expect(r.json.results.length).toBeGreaterThan(0);
    expect(r.json.results.every((x: { accessLevel: string }) => x.accessLevel === "permissions")).toBe(true);
    const high = await call(searchCatalog, "GET", "/catalog?q=passrole&risk=privesc:pass-role", {
      token: requester,
    });
    expect(high.json.results.some((x: { name: string }) => x.name === "iam:PassRole")).toBe(true);
    const empty = await call(searchCatalog, "GET", "/catalog?q=", { token: requester });
    expect(empty).toMatchObject({ status: 400, json: { error: { code: "validation", field: "q" } } });
    const cloud = await call(searchCatalog, "GET", "/catalog?q=ssh&cloud=ibm", { token: requester });
    expect(cloud).toMatchObject({ status: 400, json: { error: { field: "cloud" } } });
    expect((await call(searchCatalog, "GET", "/catalog?q=ssh")).status).toBe(401);
  });
});

describe("templates API", () => {
  it("creates (201), saves a new version (PUT), lists versions with diffs and gets the latest", async () => {
    const { admin, requester } = await setup();
    const made = await call(createTemplate, "POST", "/templates", { token: admin, body: NEW });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ key: "queue.read", version: 1 });
    expect(made.json.permissions.gcp).toEqual(["compute.instances.get"]);

    const put = await call(updateTemplate, "PUT", "/templates/queue.read", {
      token: admin,
      params: { key: "queue.read" },
      body: { expectedVersion: 1, permissions: { aws: ["sqs:ReceiveMessage", "sqs:GetQueueAttributes"] } },
    });
    expect(put).toMatchObject({ status: 200, json: { version: 2, changed: true } });
    expect(put.json.diff.permissions.aws).toEqual({ added: ["sqs:GetQueueAttributes"], removed: [] });

    const stale = await call(updateTemplate, "PUT", "/templates/queue.read", {
      token: admin,
      params: { key: "queue.read" },
      body: { expectedVersion: 1, name: "Other" },
    });
    expect(stale).toMatchObject({ status: 409, json: { error: { code: "conflict" } } });

    const hist = await call(versions, "GET", "/templates/queue.read/versions", {
      token: requester,
      params: { key: "queue.read" },
    });
    expect(hist.json.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const latest = await call(getTemplate, "GET", "/templates/queue.read", {
      token: requester,
      params: { key: "queue.read" },
    });
    expect(latest.json).toMatchObject({ key: "queue.read", version: 2 });
    const list = await call(listTemplates, "GET", "/templates", { token: requester });
    expect(list.json.items.find((t: { key: string }) => t.key === "queue.read").version).toBe(2);
  });

  it("answers 4xx naming the field: unknown permission with a suggestion, forbidden, unknown key", async () => {
    const { admin, requester } = await setup();
    const typo = await call(createTemplate, "POST", "/templates", {
      token: admin,
      body: { ...NEW, permissions: { aws: ["sqs:RecieveMessage"], gcp: [], azure: [] } },
    });
    expect(typo).toMatchObject({
      status: 400,
      json: { error: { code: "validation", field: "permissions.aws" } },
    });
    expect(typo.json.error.message).toContain("sqs:ReceiveMessage");
    const mgmt = await call(createTemplate, "POST", "/templates", {
      token: admin,
      body: { ...NEW, permissions: { aws: ["iam:CreateRole"], gcp: [], azure: [] } },
    });
    expect(mgmt).toMatchObject({ status: 400, json: { error: { field: "permissions.aws" } } });
    const noRisk = await call(createTemplate, "POST", "/templates", {
      token: admin,
      body: { ...NEW, risk: "huge" },
    });
    expect(noRisk.json.error.field).toBe("risk");
    const forbidden = await call(createTemplate, "POST", "/templates", { token: requester, body: NEW });
    expect(forbidden.status).toBe(403);
    const missing = await call(updateTemplate, "PUT", "/templates/nope.nope", {
      token: admin,
      params: { key: "nope.nope" },
      body: { expectedVersion: 1, name: "x" },
    });
    expect(missing.status).toBe(404);
    const badKey = await call(versions, "GET", "/templates/NOPE/versions", {
      token: admin,
      params: { key: "NOPE" },
    });
    expect(badKey.status).toBe(404);
  });

  it("keeps tenants apart: another org's template key answers 404", async () => {
    const a = await setup();
    const b = await setup();
    await call(createTemplate, "POST", "/templates", { token: a.admin, body: NEW });
    const other = await call(updateTemplate, "PUT", "/templates/queue.read", {
      token: b.admin,
      params: { key: "queue.read" },
      body: { expectedVersion: 1, name: "mine" },
    });
    expect(other.status).toBe(404);
  });

  it("previews the document per cloud for a template or explicit permissions", async () => {
    const { org, requester } = await setup();
    const vm = { aws: "i-0abc1234", gcp: "us-central1-a/vm-1", azure: "rg-app/vm-1" };
    for (const cloud of ["aws", "gcp", "azure"] as const) {
      const r = await call(preview, "POST", "/templates/preview", {
        token: requester,
        body: { key: "vm.ssh", cloud, resource: vm[cloud] },
      });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ cloud, template: { key: "vm.ssh", version: 1 } });
      expect(r.json.document).toBeTruthy();
      expect(r.json.notes.length).toBeGreaterThan(0);
    }
    const explicit = await call(preview, "POST", "/templates/preview", {
      token: requester,
      body: { cloud: "gcp", permissions: ["storage.objects.get"] },
    });
    expect(explicit.json.accountId).toBe(org.targets.gcp.externalId);
    expect(explicit.json.document.includedPermissions).toEqual(["storage.objects.get"]);
    const none = await call(preview, "POST", "/templates/preview", {
      token: requester,
      body: { cloud: "gcp" },
    });
    expect(none).toMatchObject({ status: 400, json: { error: { field: "permissions" } } });
  });
});
