import { z } from "zod";
import { VERSION } from "@/lib/env";
import { ConnectTargetDocBody, DriftQuery, UpdateTargetDocBody } from "@/lib/targets/schemas";
import { CreateTemplateInput, PreviewTemplateInput } from "@/lib/templates";
import { CatalogQuery, UpdateTemplateBody } from "@/lib/templates/api-schemas";
import { DecisionBody, GrantsQuery, RequestsQuery, RevokeBody, SubmitBody } from "./api-schemas";

type Operation = {
  method: "get" | "post" | "put" | "patch";
  path: string;
  summary: string;
  status?: 200 | 201;
  body?: z.ZodType;
  query?: z.ZodObject;
  /** Most operations need a token; the document itself is public. */
  public?: boolean;
};

/** Every route under /api/v1. A test checks this list against the route files on disk. */
export const API_OPERATIONS: Operation[] = [
  { method: "post", path: "/requests", summary: "Submit an access request", status: 201, body: SubmitBody },
  { method: "get", path: "/requests", summary: "List access requests", query: RequestsQuery },
  { method: "get", path: "/requests/{id}", summary: "Get one access request" },
  {
    method: "post",
    path: "/requests/{id}/decision",
    summary: "Approve or deny a request",
    body: DecisionBody,
  },
  { method: "post", path: "/requests/{id}/cancel", summary: "Cancel your own pending request" },
  { method: "get", path: "/grants", summary: "List grants", query: GrantsQuery },
  { method: "get", path: "/grants/{id}", summary: "Get one grant" },
  { method: "post", path: "/grants/{id}/revoke", summary: "Revoke a grant now", body: RevokeBody },
  { method: "get", path: "/targets", summary: "List targets you can request access to" },
  {
    method: "post",
    path: "/targets",
    summary: "Connect a target (credentials by environment-variable reference only; needs targets.manage)",
    status: 201,
    body: ConnectTargetDocBody,
  },
  { method: "get", path: "/targets/{id}", summary: "Get one target with its credential references" },
  {
    method: "patch",
    path: "/targets/{id}",
    summary: "Rename a target or replace its connection settings",
    body: UpdateTargetDocBody,
  },
  {
    method: "post",
    path: "/targets/{id}/test",
    summary: "Test a target's connection with a read-only call; reports ok and a clear message",
  },
  {
    method: "post",
    path: "/targets/{id}/catalog-sync",
    summary:
      "Read a GCP or Azure target's own permission catalog and import it as new catalog versions (needs templates.edit)",
  },
  {
    method: "get",
    path: "/targets/{id}/drift",
    summary: "Artifacts the reconciler removed from this target, or could not",
    query: DriftQuery,
  },
  { method: "get", path: "/templates", summary: "List task templates (latest version of each)" },
  {
    method: "post",
    path: "/templates",
    summary: "Create a task template (version 1)",
    status: 201,
    body: CreateTemplateInput,
  },
  { method: "get", path: "/templates/{key}", summary: "Get the latest version of a task template" },
  {
    method: "put",
    path: "/templates/{key}",
    summary: "Save a new version of a task template (expectedVersion must be the latest)",
    body: UpdateTemplateBody,
  },
  {
    method: "get",
    path: "/templates/{key}/versions",
    summary: "Every version of a task template, with what each save changed",
  },
  {
    method: "post",
    path: "/templates/preview",
    summary: "Preview the exact role document one cloud receives (changes nothing)",
    body: PreviewTemplateInput,
  },
  {
    method: "get",
    path: "/catalog",
    summary: "Search templates and permissions across clouds",
    query: CatalogQuery,
  },
  { method: "get", path: "/openapi.json", summary: "This document", public: true },
];

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return rest;
};

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

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
      ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body) } } } }
      : {}),
    responses: {
      [String(op.status ?? 200)]: {
        description: "OK",
        content: { "application/json": { schema: { type: "object" } } },
      },
      ...(op.public
        ? {}
        : {
            "400": errorResponse("Invalid input; `error.field` names the field"),
            "401": errorResponse("Missing, unknown, expired or revoked token"),
            "403": errorResponse("Not allowed"),
            "404": errorResponse("Not found (including ids from another organization)"),
            "409": errorResponse("Conflicts with the current state"),
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
