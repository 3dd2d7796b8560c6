import type { Command } from "commander";
import createClient from "openapi-fetch";
import { env } from "@/lib/env";
import type { components, paths } from "@/lib/http/__generated__/openapi";
import { CliError, run } from "../run";
import { storedToken } from "./login";

/**
 * The CLI for people (issue 15, point 8), like `tsh request` or `gcloud pam`: ask for access, list and decide
 * requests, list grants and use one. It speaks the public API only (openapi-fetch with the generated types),
 * with a personal API token: ELEVATE_URL and ELEVATE_TOKEN, or --url and --token.
 */

type Conn = { url?: string; token?: string };
type Api = ReturnType<typeof createClient<paths>>;
type ApiError = { error?: { code?: string; message?: string; field?: string } };

export function apiClient(conn: Conn): Api {
  const e = env();
  const url = conn.url ?? e.ELEVATE_URL;
  if (!url) throw new CliError("no portal address: set ELEVATE_URL or pass --url");
  const token = conn.token ?? e.ELEVATE_TOKEN ?? storedToken(url);
  if (!token)
    throw new CliError(
      "no API token: run elevate login, set ELEVATE_TOKEN or pass --token (create one under API tokens)",
    );
  return createClient<paths>({
    baseUrl: `${url.replace(/\/+$/, "")}/api/v1`,
    headers: { authorization: `Bearer ${token}` },
  });
}

/** The API's error as a CLI error: its message and the field it names. */
function fail(status: number, body: unknown): never {
  const err = (body as ApiError | undefined)?.error;
  const field = err?.field ? ` (${err.field})` : "";
  throw new CliError(`${err?.message ?? `HTTP ${status}`}${field}`);
}

async function call<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let out: { data?: T; error?: unknown; response: Response };
  try {
    out = await p;
  } catch (err) {
    throw new CliError(`could not reach the portal: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (out.error !== undefined || out.data === undefined) fail(out.response.status, out.error);
  return out.data;
}

type Request = components["schemas"]["AccessRequest"];
type Grant = components["schemas"]["Grant"];

const line = (cols: (string | number | null | undefined)[]) =>
  `${cols.map((c) => String(c ?? "-")).join("\t")}\n`;
const out = (s: string) => process.stdout.write(s);

function printRequests(items: Request[]) {
  out(line(["ID", "STATUS", "REQUESTER", "TARGET", "WHAT", "RISK", "MINUTES"]));
  for (const r of items) {
    out(
      line([
        r.id,
        r.status,
        r.requester.email,
        r.target.name,
        r.template?.key ?? `${r.permissions?.length ?? 0} permissions`,
        r.risk,
        r.durationMinutes,
      ]),
    );
  }
}

function printGrants(items: Grant[]) {
  out(line(["ID", "STATUS", "TARGET", "CLOUD", "ROLE", "EXPIRES"]));
  for (const g of items) out(line([g.id, g.status, g.target.name, g.target.cloud, g.roleName, g.expiresAt]));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A target by id or by name, among those the token's user may request. */
async function resolveTarget(api: Api, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref;
  const { items } = await call(api.GET("/targets"));
  const hit = items.filter((t) => t.name === ref || t.externalId === ref);
  if (hit.length !== 1) {
    throw new CliError(
      `target "${ref}": ${hit.length === 0 ? "no such target" : "ambiguous"}; one of: ${items.map((t) => t.name).join(", ")}`,
    );
  }
  return hit[0].id;
}

async function resolveTemplate(api: Api, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref;
  const { items } = await call(api.GET("/templates"));
  const hit = items.find((t) => t.key === ref);
  if (!hit)
    throw new CliError(`template "${ref}": no such template; one of: ${items.map((t) => t.key).join(", ")}`);
  return hit.id;
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * What `elevate assume` prints: with --export, shell lines to `eval` (AWS: temporary credentials from
 * `aws sts assume-role` on the grant's role, session named after the grant as its trust policy demands);
 * otherwise the console URL, commands and notes.
 */
export function assumeText(access: components["schemas"]["GrantAccess"], exportMode: boolean): string {
  const lines: string[] = [];
  if (exportMode) {
    for (const [k, v] of Object.entries(access.env)) lines.push(`export ${k}=${shellQuote(v)}`);
    if (access.cloud === "aws" && access.cli[0]) {
      const assume = `${access.cli[0]} --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text`;
      lines.push(
        `read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN < <(${assume})`,
        "export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN",
      );
    } else {
      for (const c of access.cli) lines.push(c);
    }
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    `# grant ${access.grantId} (${access.cloud}, ${access.status}, expires ${access.expiresAt ?? "-"})`,
  );
  if (access.sandbox) lines.push("# sandbox target: these steps show what a real cloud would need");
  if (access.consoleUrl) lines.push(`# console: ${access.consoleUrl}`);
  lines.push(...access.cli);
  if (access.profile) lines.push("", "# ~/.aws/config", access.profile);
  for (const n of access.notes) lines.push(`# ${n}`);
  lines.push(`# in a shell: eval "$(elevate assume ${access.grantId} --export)"`);
  return `${lines.join("\n")}\n`;
}

type Common = Conn & { json?: boolean };

export function registerPeople(program: Command): void {
  const conn = (c: Command) =>
    c
      .option("--url <url>", "portal address (default: ELEVATE_URL)")
      .option("--token <token>", "personal API token (default: ELEVATE_TOKEN)")
      .option("--json", "print the API's JSON");

  conn(
    program
      .command("request")
      .description("ask for access: a task template (or permissions) on a target, for some minutes")
      .requiredOption("--target <id|name>", "target id or name")
      .option("--template <key|id>", "task template key or id")
      .option("--permission <permission...>", "explicit permissions instead of a template")
      .option("--resource <resource>", "the resource the template narrows to")
      .option("--minutes <n>", "how long", "60")
      .requiredOption("--justification <text>", "why (a ticket id helps)")
      .option("--ticket <url>", "ticket URL"),
  ).action(
    (
      opts: Common & {
        target: string;
        template?: string;
        permission?: string[];
        resource?: string;
        minutes: string;
        justification: string;
        ticket?: string;
      },
    ) =>
      run(async () => {
        const api = apiClient(opts);
        if (!opts.template === !opts.permission) throw new CliError("give either --template or --permission");
        const minutes = Number(opts.minutes);
        if (!Number.isInteger(minutes) || minutes < 1)
          throw new CliError("--minutes: a whole number of minutes");
        const body = {
          targetId: await resolveTarget(api, opts.target),
          ...(opts.template
            ? { templateId: await resolveTemplate(api, opts.template) }
            : { permissions: opts.permission }),
          resource: opts.resource,
          durationMinutes: minutes,
          justification: opts.justification,
          ticketUrl: opts.ticket,
        };
        const created = await call(api.POST("/requests", { body: body as never }));
        if (opts.json) out(`${JSON.stringify(created, null, 2)}\n`);
        else
          out(
            `${created.id}\t${created.status}\t${created.approvalsRequired} approval(s) from ${created.approverGroup}\n`,
          );
        return 0;
      }),
  );

  conn(
    program
      .command("requests")
      .description("list access requests (yours; --all for everyone's, with the permission to read them)")
      .option("--status <status>", "pending, approved, denied, cancelled, lapsed, completed")
      .option("--all", "every request in the organization"),
  ).action((opts: Common & { status?: string; all?: boolean }) =>
    run(async () => {
      const api = apiClient(opts);
      const page = await call(
        api.GET("/requests", {
          params: { query: { scope: opts.all ? "all" : "mine", status: opts.status as never } },
        }),
      );
      if (opts.json) out(`${JSON.stringify(page, null, 2)}\n`);
      else printRequests(page.items);
      return 0;
    }),
  );

  for (const verdict of ["approve", "deny"] as const) {
    conn(
      program
        .command(`${verdict} <requestId>`)
        .description(`${verdict} a pending request (high-risk approvals may need the portal: step-up)`)
        .option("--comment <text>", "a note kept with the decision"),
    ).action((requestId: string, opts: Common & { comment?: string }) =>
      run(async () => {
        const api = apiClient(opts);
        const decided = await call(
          api.POST("/requests/{id}/decision", {
            params: { path: { id: requestId } },
            body: { verdict, comment: opts.comment },
          }),
        );
        if (opts.json) out(`${JSON.stringify(decided, null, 2)}\n`);
        else out(`${decided.id}\t${decided.status}\t${decided.grants.map((g) => g.id).join(",") || "-"}\n`);
        return 0;
      }),
    );
  }

  conn(
    program
      .command("grants")
      .description("list your grants")
      .option(
        "--status <status>",
        "scheduled, provisioning, active, revoking, revoked, failed, revoke_stuck",
      ),
  ).action((opts: Common & { status?: string }) =>
    run(async () => {
      const api = apiClient(opts);
      const page = await call(
        api.GET("/grants", { params: { query: { scope: "mine", status: opts.status as never } } }),
      );
      if (opts.json) out(`${JSON.stringify(page, null, 2)}\n`);
      else printGrants(page.items);
      return 0;
    }),
  );

  conn(
    program
      .command("assume <grantId>")
      .description("print how to use a grant; --export prints shell lines to eval (credentials for AWS)")
      .option("--export", 'shell lines for eval "$(elevate assume <grant> --export)"'),
  ).action((grantId: string, opts: Common & { export?: boolean }) =>
    run(async () => {
      const api = apiClient(opts);
      const access = await call(api.GET("/grants/{id}/access", { params: { path: { id: grantId } } }));
      if (opts.json) out(`${JSON.stringify(access, null, 2)}\n`);
      else out(assumeText(access, Boolean(opts.export)));
      if (access.status !== "active")
        process.stderr.write(`warning: grant is ${access.status}, not active\n`);
      return 0;
    }),
  );
}
