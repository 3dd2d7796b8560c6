import { z } from "zod";
import { AccessReportQuery } from "@/lib/compliance/schemas";
import { VERSION } from "@/lib/env";
import { ConnectTargetDocBody, DriftQuery, UpdateTargetDocBody } from "@/lib/targets/schemas";
import { CreateTemplateInput, PreviewTemplateInput } from "@/lib/templates";
import { CatalogQuery, UpdateTemplateBody } from "@/lib/templates/api-schemas";
import * as R from "./api-responses";
import {
  DecidePolicyBody,
  DecisionBody,
  FreezeBody,
  GrantsQuery,
  PoliciesQuery,
  ProposePolicyBody,
  RequestsQuery,
  ReviewBody,
  RevokeBody,
  SimulateBody,
  SubmitBody,
} from "./api-schemas";

type Operation = {
  method: "get" | "post" | "put" | "patch";
  path: string;
  summary: string;
  status?: 200 | 201;
  body?: z.ZodType;
  query?: z.ZodObject;
  /** The 2xx body: a schema registered in api-responses.ts, the one the route's withApi declares. */
  response: z.ZodType;
  /** Can answer 422 `limit_exceeded` (a cloud or catalog limit, e.g. too many permissions for one role). */
  limits?: boolean;
  /** Rate-limited write: can answer 429 with Retry-After. */
  rateLimited?: boolean;
  /** Most operations need a token; the document itself is public. */
  public?: boolean;
  /** Other media types the same 2xx can be (a `format` query asks for them): file downloads. */
  files?: ("text/csv" | "application/pdf")[];
};

/** The device endpoints' bodies (RFC 8628 field names; form-encoded is accepted too). */
const DeviceCodeBody = z.object({ client_name: z.string().min(1).max(100) });
const DeviceTokenBody = z.object({
  grant_type: z.literal("urn:ietf:params:oauth:grant-type:device_code"),
  device_code: z.string().min(1),
});

/** Every route under /api/v1. A test checks this list against the route files on disk. */
export const API_OPERATIONS: Operation[] = [
  {
    method: "post",
    path: "/requests",
    summary: "Submit an access request",
    status: 201,
    body: SubmitBody,
    response: R.AccessRequest,
    limits: true,
    rateLimited: true,
  },
  {
    method: "get",
    path: "/requests",
    summary: "List access requests",
    query: RequestsQuery,
    response: R.RequestPage,
  },
  { method: "get", path: "/requests/{id}", summary: "Get one access request", response: R.AccessRequest },
  {
    method: "post",
    path: "/requests/{id}/decision",
    summary: "Approve or deny a request",
    body: DecisionBody,
    response: R.AccessRequest,
    rateLimited: true,
  },
  {
    method: "post",
    path: "/requests/{id}/cancel",
    summary: "Cancel your own pending request",
    response: R.AccessRequest,
  },
  {
    method: "post",
    path: "/requests/{id}/review",
    summary: "Review a break-glass request after the fact (an admin other than its requester)",
    body: ReviewBody,
    response: R.AccessRequest,
  },
  {
    method: "get",
    path: "/policies",
    summary: "List policy versions and pending changes",
    query: PoliciesQuery,
    response: R.PolicyList,
  },
  {
    method: "post",
    path: "/policies",
    summary: "Propose a policy change (pending until another admin approves it)",
    status: 201,
    body: ProposePolicyBody,
    response: R.PolicyDetail,
  },
  {
    method: "get",
    path: "/policies/{id}",
    summary:
      "Get one policy version or change (`active` for the one in force), as JSON and YAML, with its diff",
    response: R.PolicyDetail,
  },
  {
    method: "post",
    path: "/policies/{id}/approve",
    summary: "Approve a pending policy change (four-eyes: never its author)",
    body: DecidePolicyBody,
    response: R.PolicyDetail,
  },
  {
    method: "post",
    path: "/policies/{id}/reject",
    summary: "Reject a pending policy change, or withdraw your own",
    body: DecidePolicyBody,
    response: R.PolicyDetail,
  },
  {
    method: "post",
    path: "/policies/simulate",
    summary: "Who may request, who approves and what is automatic, for a draft or the active policy",
    body: SimulateBody,
    response: R.PolicySimulation,
  },
  { method: "get", path: "/grants", summary: "List grants", query: GrantsQuery, response: R.GrantPage },
  { method: "get", path: "/grants/{id}", summary: "Get one grant", response: R.Grant },
  {
    method: "get",
    path: "/grants/{id}/usage",
    summary: "Observed usage of one grant: used versus granted per permission, denied attempts",
    response: R.GrantUsage,
  },
  {
    method: "get",
    path: "/grants/{id}/evidence",
    summary:
      "Signed evidence pack of one grant (requester, justification, documents, window, approvals, provisioning, removal, usage, audit events with the covering signed checkpoint); verify offline with `npx elevate evidence verify`",
    response: R.EvidencePack,
  },
  {
    method: "get",
    path: "/audit/public-key",
    summary: "The Ed25519 public key that signs audit checkpoints and evidence packs",
    response: R.AuditPublicKey,
  },
  {
    method: "post",
    path: "/grants/{id}/revoke",
    summary: "Revoke a grant now (or give back your own)",
    body: RevokeBody,
    response: R.Grant,
  },
  {
    method: "get",
    path: "/grants/{id}/access",
    summary: "How to use a grant: console URL, CLI commands and environment for its cloud",
    response: R.GrantAccess,
  },
  {
    method: "post",
    path: "/grants/{id}/kubeconfig",
    summary:
      "Your own active Kubernetes grant's kubeconfig: a token the cluster issues (TokenRequest) that expires with the grant; audited, never stored",
    response: R.Kubeconfig,
  },
  {
    method: "post",
    path: "/users/{id}/freeze",
    summary: "Freeze a person: revoke every live grant, deny on GCP meanwhile, cancel pending requests",
    body: FreezeBody,
    response: R.Freeze,
  },
  {
    method: "post",
    path: "/users/{id}/unfreeze",
    summary: "Lift a person's freeze",
    response: R.Unfreeze,
  },
  {
    method: "get",
    path: "/targets",
    summary: "List targets you can request access to",
    response: R.TargetList,
  },
  {
    method: "post",
    path: "/targets",
    summary: "Connect a target (credentials by environment-variable reference only; needs targets.manage)",
    status: 201,
    body: ConnectTargetDocBody,
    response: R.Target,
  },
  {
    method: "get",
    path: "/targets/{id}",
    summary: "Get one target with its credential references",
    response: R.Target,
  },
  {
    method: "patch",
    path: "/targets/{id}",
    summary: "Rename a target or replace its connection settings",
    body: UpdateTargetDocBody,
    response: R.Target,
  },
  {
    method: "post",
    path: "/targets/{id}/test",
    summary: "Test a target's connection with a read-only call; reports ok and a clear message",
    response: R.ConnectionCheck,
  },
  {
    method: "post",
    path: "/targets/{id}/catalog-sync",
    summary:
      "Read a GCP or Azure target's own permission catalog and import it as new catalog versions (needs templates.edit)",
    response: R.CatalogSync,
  },
  {
    method: "get",
    path: "/targets/{id}/drift",
    summary: "Artifacts the reconciler removed from this target, or could not",
    query: DriftQuery,
    response: R.DriftList,
  },
  {
    method: "get",
    path: "/templates",
    summary: "List task templates (latest version of each)",
    response: R.TemplateList,
  },
  {
    method: "post",
    path: "/templates",
    summary: "Create a task template (version 1)",
    status: 201,
    body: CreateTemplateInput,
    response: R.SavedTemplate,
    limits: true,
  },
  {
    method: "get",
    path: "/templates/{key}",
    summary: "Get the latest version of a task template",
    response: R.TemplateVersion,
  },
  {
    method: "put",
    path: "/templates/{key}",
    summary: "Save a new version of a task template (expectedVersion must be the latest)",
    body: UpdateTemplateBody,
    response: R.UpdatedTemplate,
    limits: true,
  },
  {
    method: "get",
    path: "/templates/{key}/versions",
    summary: "Every version of a task template, with what each save changed",
    response: R.TemplateHistory,
  },
  {
    method: "post",
    path: "/templates/preview",
    summary: "Preview the exact role document one cloud receives (changes nothing)",
    body: PreviewTemplateInput,
    response: R.TemplatePreview,
    limits: true,
  },
  {
    method: "get",
    path: "/catalog",
    summary: "Search templates and permissions across clouds",
    query: CatalogQuery,
    response: R.CatalogSearch,
  },
  {
    method: "get",
    path: "/reports/access",
    summary:
      "Compliance access report for [from, to) by person, target or template (needs audit.read); format=csv or pdf downloads the same report as a file",
    query: AccessReportQuery,
    response: R.AccessReport,
    files: ["text/csv", "application/pdf"],
  },
  {
    method: "get",
    path: "/openapi.json",
    summary: "This document",
    public: true,
    response: R.OpenApiDocument,
  },
  {
    method: "post",
    path: "/device/code",
    summary:
      "CLI device sign-in, RFC 8628 §3.1 (public): a device code and a user code to approve at /device; JSON or form body",
    public: true,
    body: DeviceCodeBody,
    response: R.DeviceCode,
    rateLimited: true,
  },
  {
    method: "post",
    path: "/device/token",
    summary:
      "CLI device sign-in, RFC 8628 §3.4 (public): poll until approved; 400 {error: authorization_pending | slow_down | access_denied | expired_token} until then",
    public: true,
    body: DeviceTokenBody,
    response: R.DeviceToken,
  },
];

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return rest;
};

const COMPONENTS = "#/components/schemas/";

/** Every registered response schema, as `components.schemas`; nested registered schemas become $refs. */
function responseComponents(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(R.apiResponses, {
    io: "output",
    unrepresentable: "any",
    uri: (id) => `${COMPONENTS}${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...rest }]) => [id, rest]),
  );
}

function responseRef(schema: z.ZodType): { $ref: string } {
  const meta = R.apiResponses.get(schema);
  if (!meta) throw new Error("openapi: a response schema is not registered in api-responses.ts");
  return { $ref: `${COMPONENTS}${meta.id}` };
}

const RETRY_AFTER = {
  "Retry-After": { description: "Seconds to wait before trying again", schema: { type: "integer" } },
};

const errorResponse = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

/** A body every field of which is optional may be left out (the handler reads none as `{}`). */
const bodyRequired = (schema: z.ZodType) => !schema.safeParse({}).success;

function operation(op: Operation) {
  const parameters: Record<string, unknown>[] = [];
  if (op.path.includes("{id}")) {
    parameters.push({ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } });
  }
  if (op.path.includes("{key}")) {
    parameters.push({
      name: "key",
      in: "path",
      required: true,
      schema: { type: "string", example: "vm.ssh" },
    });
  }
  if (op.query) {
    const shape = jsonSchema(op.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(shape.properties ?? {})) {
      parameters.push({ name, in: "query", required: shape.required?.includes(name) ?? false, schema });
    }
  }
  return {
    summary: op.summary,
    operationId: `${op.method}${op.path.replace(/[{}]/g, "").replace(/[/.](\w)/g, (_, c: string) => c.toUpperCase())}`,
    security: op.public ? [] : [{ bearer: [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: bodyRequired(op.body),
            content: { "application/json": { schema: jsonSchema(op.body) } },
          },
        }
      : {}),
    responses: {
      [String(op.status ?? 200)]: {
        description: op.status === 201 ? "Created" : "OK",
        content: {
          "application/json": { schema: responseRef(op.response) },
          ...Object.fromEntries(
            (op.files ?? []).map((type) => [
              type,
              { schema: type === "text/csv" ? { type: "string" } : { type: "string", format: "binary" } },
            ]),
          ),
        },
      },
      ...(op.public
        ? {}
        : {
            "400": errorResponse("Invalid input; `error.field` names the field"),
            "401": errorResponse("Missing, unknown, expired or revoked token"),
            "403": errorResponse("Not allowed"),
            "404": errorResponse("Not found (including ids from another organization)"),
            "409": errorResponse("Conflicts with the current state"),
            ...(op.body
              ? { "415": errorResponse("The body is not JSON (Content-Type: application/json)") }
              : {}),
            ...(op.limits
              ? {
                  "422": errorResponse(
                    "Over a cloud or catalog limit (`limit_exceeded`); `error.field` when one field is at fault",
                  ),
                }
              : {}),
            ...(op.rateLimited
              ? { "429": errorResponse("Too many writes; retry after Retry-After seconds", RETRY_AFTER) }
              : {}),
            "503": errorResponse("The database is unavailable; retry after Retry-After seconds", RETRY_AFTER),
          }),
    },
  };
}

/** OpenAPI 3.1, generated from the same zod schemas the handlers parse with. */
export function openApiDocument(serverUrl = "/api/v1") {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) {
    paths[op.path] ??= {};
    paths[op.path][op.method] = operation(op);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Elevate API",
      version: VERSION,
      description: "Just-in-time cloud access requests and grants.",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "API token (elv_…)" } },
      schemas: {
        ...responseComponents(),
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string" },
                message: { type: "string" },
                field: { type: "string" },
              },
            },
          },
        },
      },
    },
    paths,
  };
}
