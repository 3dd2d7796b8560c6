import { PDFDocument } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { openApiDocument } from "@/lib/http/openapi";
import { activeGrantFor } from "@/lib/testing/active-grant";
import { apiTokenFor, callApi, setupApiDatabase } from "@/lib/testing/api";
import { createTestOrg } from "@/lib/testing/db";
import { GET } from "../access/route";

const apiDb = setupApiDatabase();
let db: Db;
beforeAll(() => {
  db = apiDb();
});

const range = () => {
  const d = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 10);
  return `from=${d(-86_400_000)}&to=${d(2 * 86_400_000)}`;
};

async function raw(url: string, token: string) {
  return GET(
    new Request(`http://localhost/api/v1${url}`, { headers: { authorization: `Bearer ${token}` } }),
    {
      params: Promise.resolve({}),
    },
  );
}

describe("GET /api/v1/reports/access", () => {
  it("answers the report as JSON, CSV and PDF to an auditor", async () => {
    const org = await createTestOrg(db);
    const { grantId } = await activeGrantFor(db, org, "requester", {
      targetId: org.targets.aws.id,
      templateId: org.template("vm.ssh").id,
    });
    const token = await apiTokenFor(db, org, "auditor");
    const json = await callApi(GET, "GET", `/reports/access?${range()}&by=target`, { token });
    expect(json.status).toBe(200);
    expect(json.json.by).toBe("target");
    expect(json.json.access[0]).toMatchObject({ key: org.targets.aws.name, grants: 1 });
    expect(json.json.access[0].rows[0].grantId).toBe(grantId);

    const csv = await raw(`/reports/access?${range()}&format=csv`, token);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename="elevate-access-.*\.csv"/);
    expect(await csv.text()).toContain(grantId);

    const pdf = await raw(`/reports/access?${range()}&format=pdf`, token);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const doc = await PDFDocument.load(new Uint8Array(await pdf.arrayBuffer()));
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
  });

  it("the OpenAPI document declares the three media types the route answers", () => {
    const op = openApiDocument().paths["/reports/access"].get as {
      responses: Record<string, { content: Record<string, unknown> }>;
    };
    expect(Object.keys(op.responses["200"].content).sort()).toEqual([
      "application/json",
      "application/pdf",
      "text/csv",
    ]);
  });

  it("refuses a requester (403) and names the bad field (400)", async () => {
    const org = await createTestOrg(db);
    const requester = await callApi(GET, "GET", `/reports/access?${range()}`, {
      token: await apiTokenFor(db, org, "requester"),
    });
    expect(requester).toMatchObject({ status: 403, json: { error: { code: "forbidden" } } });
    const token = await apiTokenFor(db, org, "auditor");
    const badBy = await callApi(GET, "GET", `/reports/access?${range()}&by=team`, { token });
    expect(badBy.status).toBe(400);
    expect(badBy.json.error.message).toMatch(/^by:/);
    const badFormat = await callApi(GET, "GET", `/reports/access?${range()}&format=xlsx`, { token });
    expect(badFormat.json.error.message).toMatch(/^format:/);
    const reversed = await callApi(GET, "GET", "/reports/access?from=2026-11-02&to=2026-11-01", { token });
    expect(reversed.status).toBe(400);
    expect(reversed.json.error.message).toMatch(/^to:/);
    const missing = await callApi(GET, "GET", "/reports/access", { token });
    expect(missing.status).toBe(400);
  });
});
