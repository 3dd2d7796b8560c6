import { readFileSync } from "node:fs";
import path from "node:path";
import createClient from "openapi-fetch";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/db/client";
import type { paths } from "@/lib/http/__generated__/openapi";
import { API_TYPES_FILE, generateApiTypes } from "@/lib/http/api-types";
import { API_OPERATIONS } from "@/lib/http/openapi";
import type { ApiContract } from "@/lib/http/with-api";
import { apiTokenFor, setupApiDatabase } from "@/lib/testing/api";
import { createTestOrg } from "@/lib/testing/db";
import { getWorkflowDriver, type InlineDriver } from "@/lib/workflows";
import * as auditPublicKey from "../audit/public-key/route";
import * as catalog from "../catalog/route";
import * as deviceCode from "../device/code/route";
import * as deviceToken from "../device/token/route";
import * as grantAccess from "../grants/[id]/access/route";
import * as evidence from "../grants/[id]/evidence/route";
import * as kubeconfig from "../grants/[id]/kubeconfig/route";
import * as revoke from "../grants/[id]/revoke/route";
import * as grant from "../grants/[id]/route";
import * as grantUsage from "../grants/[id]/usage/route";
import * as grants from "../grants/route";
import * as openapi from "../openapi.json/route";
import * as policyApprove from "../policies/[id]/approve/route";
import * as policyReject from "../policies/[id]/reject/route";
import * as policy from "../policies/[id]/route";
import * as policies from "../policies/route";
import * as simulate from "../policies/simulate/route";
import * as accessReport from "../reports/access/route";
import * as cancel from "../requests/[id]/cancel/route";
import * as decision from "../requests/[id]/decision/route";
import * as review from "../requests/[id]/review/route";
import * as request from "../requests/[id]/route";
import * as requests from "../requests/route";
import * as catalogSync from "../targets/[id]/catalog-sync/route";
import * as drift from "../targets/[id]/drift/route";
import * as target from "../targets/[id]/route";
import * as testTarget from "../targets/[id]/test/route";
import * as targets from "../targets/route";
import * as template from "../templates/[key]/route";
import * as versions from "../templates/[key]/versions/route";
import * as preview from "../templates/preview/route";
import * as templates from "../templates/route";
import * as freeze from "../users/[id]/freeze/route";
import * as unfreeze from "../users/[id]/unfreeze/route";

type RouteHandler = (
  req: Request,
  route?: { params?: Promise<Record<string, string>> },
) => Response | Promise<Response>;
type RouteModule = Partial<Record<string, RouteHandler | undefined>>;

/** Every route file by its document path: the in-process "server" the generated client talks to. */
const ROUTES: Record<string, RouteModule> = {
  "/audit/public-key": auditPublicKey,
  "/catalog": catalog,
  "/device/code": deviceCode,
  "/device/token": deviceToken,
  "/grants/{id}/evidence": evidence,
  "/grants/{id}/access": grantAccess,
  "/grants/{id}/kubeconfig": kubeconfig,
  "/grants/{id}/revoke": revoke,
  "/grants/{id}/usage": grantUsage,
  "/grants/{id}": grant,
  "/grants": grants,
  "/openapi.json": openapi,
  "/policies/{id}/approve": policyApprove,
  "/policies/{id}/reject": policyReject,
  "/policies/{id}": policy,
  "/policies/simulate": simulate,
  "/policies": policies,
  "/reports/access": accessReport,
  "/requests/{id}/cancel": cancel,
  "/requests/{id}/decision": decision,
  "/requests/{id}/review": review,
  "/requests/{id}": request,
  "/requests": requests,
  "/targets/{id}/catalog-sync": catalogSync,
  "/targets/{id}/drift": drift,
  "/targets/{id}": target,
  "/targets/{id}/test": testTarget,
  "/targets": targets,
  "/templates/{key}": template,
  "/templates/{key}/versions": versions,
  "/templates/preview": preview,
  "/templates": templates,
  "/users/{id}/freeze": freeze,
  "/users/{id}/unfreeze": unfreeze,
};
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

const BASE = "http://elevate.test/api/v1";
const matchers = Object.entries(ROUTES).map(([template, mod]) => {
  const names: string[] = [];
  const source = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { template, mod, names, re: new RegExp(`^${source}$`) };
});

/** Dispatches a Request to the route handler Next would run (static segments win, as in Next). */
async function serve(input: Request): Promise<Response> {
  const url = new URL(input.url);
  const rel = url.pathname.slice(new URL(BASE).pathname.length);
  const hits = matchers.filter((m) => m.re.test(rel));
  const hit = hits.find((m) => m.names.length === 0) ?? hits[0];
  if (!hit) return new Response("not found", { status: 404 });
  const values = hit.re.exec(rel)?.slice(1) ?? [];
  const params = Object.fromEntries(hit.names.map((n, i) => [n, decodeURIComponent(values[i])]));
  const handler = hit.mod[input.method];
  if (!handler) return new Response(null, { status: 405 });
  return await handler(input, { params: Promise.resolve(params) });
}

const apiDb = setupApiDatabase();
let db: Db;
let served: { text: string; doc: ServedDoc };
type ServedOperation = {
  requestBody?: { required: boolean; content: { "application/json": { schema: { required?: string[] } } } };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};
type ServedDoc = {
  paths: Record<string, Record<string, ServedOperation>>;
  components: { schemas: Record<string, unknown> };
};

beforeAll(async () => {
  db = apiDb();
  const res = await serve(new Request(`${BASE}/openapi.json`));
  const text = await res.text();
  served = { text, doc: JSON.parse(text) };
});

/**
 * Validates a response against the schema the served document declares for it (path, method, status),
 * read from the JSON itself (components become $defs for the JSON-schema reader).
 */
function documentIssues(pathTemplate: string, method: string, status: number, body: unknown) {
  const declared =
    served.doc.paths[pathTemplate]?.[method.toLowerCase()]?.responses[String(status)]?.content?.[
      "application/json"
    ]?.schema;
  expect(declared, `${method} ${pathTemplate} ${status} is declared`).toBeDefined();
  const rewrite = (v: unknown) =>
    JSON.parse(JSON.stringify(v).replaceAll('"#/components/schemas/', '"#/$defs/'));
  const schema = z.fromJSONSchema({ ...rewrite(declared), $defs: rewrite(served.doc.components.schemas) });
  const result = schema.safeParse(body);
  return result.success ? [] : result.error.issues;
}

function expectMatchesDocument(pathTemplate: string, method: string, response: Response, body: unknown) {
  expect(
    documentIssues(pathTemplate, method, response.status, body),
    `${method} ${pathTemplate} matches the document`,
  ).toEqual([]);
}

const settle = async () => ((await getWorkflowDriver()) as InlineDriver).idle();

describe("a client generated from the served document", () => {
  it("is the committed lib/http/__generated__/openapi.d.ts (run `npm run api:types` after changing the API)", async () => {
    const committed = readFileSync(path.resolve(API_TYPES_FILE), "utf8");
    expect(await generateApiTypes(served.text)).toBe(committed);
  });

  it("drives list → request → approve → active → give back, every response valid against the document", async () => {
    const org = await createTestOrg(db);
    const as = (token: string) =>
      createClient<paths>({ baseUrl: BASE, fetch: serve, headers: { authorization: `Bearer ${token}` } });
    const requester = as(await apiTokenFor(db, org, "requester"));
    const approver = as(await apiTokenFor(db, org, "approver"));

    const listed = await requester.GET("/targets");
    expectMatchesDocument("/targets", "GET", listed.response, listed.data);
    const aws = listed.data?.items.find((t) => t.cloud === "aws");
    if (!aws) throw new Error("no aws target listed");
    const tpl = await requester.GET("/templates");
    expectMatchesDocument("/templates", "GET", tpl.response, tpl.data);
    const ssh = tpl.data?.items.find((t) => t.key === "vm.ssh");
    if (!ssh) throw new Error("no vm.ssh template listed");

    const submitted = await requester.POST("/requests", {
      body: {
        targetId: aws.id,
        templateId: ssh.id,
        resource: "i-0abc1234",
        durationMinutes: 30,
        justification: "investigate INC-42",
      },
    });
    expect(submitted.response.status).toBe(201);
    expectMatchesDocument("/requests", "POST", submitted.response, submitted.data);
    if (!submitted.data) throw new Error(JSON.stringify(submitted.error));
    const requestId = submitted.data.id;
    expect(submitted.data.status).toBe("pending");

    const decided = await approver.POST("/requests/{id}/decision", {
      params: { path: { id: requestId } },
      body: { verdict: "approve", comment: "ok" },
    });
    expectMatchesDocument("/requests/{id}/decision", "POST", decided.response, decided.data);
    expect(decided.data?.status).toBe("approved");
    await settle();

    const read = await requester.GET("/requests/{id}", { params: { path: { id: requestId } } });
    expectMatchesDocument("/requests/{id}", "GET", read.response, read.data);
    const grantId = read.data?.grants[0]?.id;
    if (!grantId) throw new Error("approval made no grant");

    const live = await requester.GET("/grants", { params: { query: { status: "live" } } });
    expectMatchesDocument("/grants", "GET", live.response, live.data);
    expect(live.data?.items.map((g) => g.id)).toEqual([grantId]);

    const active = await requester.GET("/grants/{id}", { params: { path: { id: grantId } } });
    expectMatchesDocument("/grants/{id}", "GET", active.response, active.data);
    expect(active.data?.status).toBe("active");
    expect(active.data?.expiresAt).toEqual(expect.any(String));

    const given = await requester.POST("/grants/{id}/revoke", {
      params: { path: { id: grantId } },
      body: { reason: "done early" },
    });
    expectMatchesDocument("/grants/{id}/revoke", "POST", given.response, given.data);
    expect(["revoking", "revoked"]).toContain(given.data?.status);
    await settle();

    const after = await requester.GET("/grants/{id}", { params: { path: { id: grantId } } });
    expectMatchesDocument("/grants/{id}", "GET", after.response, after.data);
    expect(after.data).toMatchObject({ status: "revoked", revokeReason: "done early" });
    // The validation has teeth: an unknown status, a missing field or an undeclared one fail it.
    expect(documentIssues("/grants/{id}", "GET", 200, { ...after.data, status: "bogus" })).not.toEqual([]);
    expect(documentIssues("/grants/{id}", "GET", 200, { ...after.data, user: {} })).not.toEqual([]);
    expect(documentIssues("/grants/{id}", "GET", 200, { ...after.data, secret: "x" })).not.toEqual([]);

    // Errors come back typed too, in the documented error shape.
    const missing = await requester.GET("/grants/{id}", {
      params: { path: { id: "00000000-0000-4000-8000-000000000000" } },
    });
    expectMatchesDocument("/grants/{id}", "GET", missing.response, missing.error);
    expect(missing.error?.error.code).toBe("not_found");
  });
});

describe("the document and the handlers agree", () => {
  const contractOf = (p: string, method: string): ApiContract | undefined => {
    const h: unknown = ROUTES[p]?.[method.toUpperCase()];
    return typeof h === "function" && "contract" in h ? (h.contract as ApiContract) : undefined;
  };

  it("each documented operation's handler declares the same response schema, status and parsers", () => {
    for (const op of API_OPERATIONS) {
      if (op.public) continue;
      const c = contractOf(op.path, op.method);
      expect(c, `${op.method} ${op.path} is a withApi handler`).toBeDefined();
      expect(c?.response, `${op.method} ${op.path} response`).toBe(op.response);
      expect(c?.status ?? 200, `${op.method} ${op.path} status`).toBe(op.status ?? 200);
      expect(c?.query, `${op.method} ${op.path} query`).toBe(op.query);
      expect(Boolean(c?.body), `${op.method} ${op.path} body`).toBe(Boolean(op.body));
    }
  });

  it("every field the document marks required in a body is required by the handler", () => {
    const requiredOf = (s: z.ZodType) => {
      const json = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as { required?: string[] };
      return json.required ?? [];
    };
    for (const op of API_OPERATIONS) {
      const handlerBody = contractOf(op.path, op.method)?.body;
      if (!op.body || !(handlerBody instanceof z.ZodType)) continue;
      const documented = served.doc.paths[op.path][op.method].requestBody;
      if (!documented) throw new Error(`${op.method} ${op.path} documents no body`);
      for (const field of documented.content["application/json"].schema.required ?? []) {
        expect(requiredOf(handlerBody), `${op.method} ${op.path} requires ${field}`).toContain(field);
      }
      // A required body is refused when left out.
      expect(handlerBody.safeParse({}).success, `${op.method} ${op.path} body required`).toBe(
        !documented.required,
      );
    }
  });

  it("answers methods a route does not define with 405 in the error shape, naming what is allowed", async () => {
    for (const [p, mod] of Object.entries(ROUTES)) {
      const documented = Object.keys(served.doc.paths[p]).map((m) => m.toUpperCase());
      for (const method of METHODS) {
        const handler = mod[method];
        expect(handler, `${method} ${p} is exported`).toBeDefined();
        if (documented.includes(method) || !handler) continue;
        const res = await handler(new Request(`${BASE}${p}`, { method }));
        expect(res.status, `${method} ${p}`).toBe(405);
        expect(res.headers.get("allow")?.split(", ").sort()).toEqual(documented.sort());
        expect(await res.json()).toMatchObject({ error: { code: "method_not_allowed" } });
      }
    }
  });
});
