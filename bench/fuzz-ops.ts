/**
 * The concurrency fuzz's requests: a seeded generator of HTTP operations against a running portal (REST
 * API with bearer tokens, UI routes and server actions with demo session cookies), grouped in bursts whose
 * members target the same object at the same time (approve + deny + cancel one request, revoke + extend
 * one grant), plus invalid input (malformed ids and JSON, huge pages, ill-formed unicode).
 */

export type Who = "requester" | "approver" | "approver2" | "admin" | "auditor";
export type Auth = { tokens: Record<Who, string>; cookies: Record<Who, string> };

export type Op = {
  name: string;
  method: string;
  path: string;
  who?: Who;
  via?: "token" | "cookie";
  body?: string;
  contentType?: string;
  /** A server action: its id (Next-Action header) and the page it is posted to. */
  action?: string;
  /** Polls this request until it has a grant, then revokes it at once: a revocation racing provisioning. */
  chase?: string;
};

export type Outcome = {
  op: Op;
  status: number;
  body: string;
  ms: number;
  /** A server action answers 200 with `{ ok: false, error: { code: "internal" } }` where a route would 500. */
  serverError: boolean;
  at: number;
};

/** mulberry32: small, seedable, and the same sequence on every machine. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T,
    shuffle: <T>(xs: T[]): T[] => {
      for (let i = xs.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
      }
      return xs;
    },
  };
}
export type Rng = ReturnType<typeof rng>;

/** Justifications: plain, and the unicode a database or a JSON layer can trip on (valid and not). */
const TEXTS = [
  "investigate INC-42",
  "ünïcödé ✓ 中文 日本語 한국어",
  "emoji 👩‍👩‍👧‍👦🏳️‍🌈 and ZWJ",
  "right-to-left \u202Eevil\u202C override",
  "combining e\u0301\u0301\u0301 and \uFEFF BOM",
  "\u{10FFFF} last code point",
  "a".repeat(1900),
];
/** Raw JSON fragments (already escaped) that must be refused with 400, never stored or 500. */
const BAD_JSON_TEXTS = ['"lone \\ud800 surrogate"', '"nul \\u0000 byte"', '"low \\udfff alone"'];
const BAD_IDS = [
  "not-a-uuid",
  "00000000-0000-0000-0000-000000000000",
  "%00",
  "'%20or%201=1--",
  "9".repeat(300),
  "%F0%9F%92%A9",
  "..%2F..%2Fetc%2Fpasswd",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
];
const BAD_QUERIES = [
  "?limit=1000000",
  "?limit=-1",
  "?limit=1e309",
  "?limit=NaN",
  "?limit=0",
  "?cursor=garbage",
  "?cursor=%00",
  "?scope=all&limit=100000",
  "?status=unknown",
  "?limit=20&limit=30",
  `?cursor=${"A".repeat(5000)}`,
];

export function submitBody(org: FuzzOrg, r: Rng, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    targetId: org.targetId,
    templateId: org.templateId,
    resource: `i-${r.int(0x10000000, 0x7fffffff).toString(16)}`,
    // Half expire within the run, so expiry (timers, reconciler) races the extensions and revocations.
    durationMinutes: r.next() < 0.5 ? 1 : r.int(5, 120),
    justification: r.pick(TEXTS),
    ...overrides,
  });
}

export type FuzzOrg = {
  targetId: string;
  templateId: string;
  /** Server action ids by exported name, and the page each can be posted to. */
  actions: Record<string, { id: string; page: string }>;
};

const api = (name: string, method: string, path: string, who: Who, body?: string): Op => ({
  name,
  method,
  path: `/api/v1${path}`,
  who,
  via: "token",
  ...(body !== undefined ? { body, contentType: "application/json" } : {}),
});

function action(org: FuzzOrg, name: string, who: Who, input: unknown): Op | null {
  const a = org.actions[name];
  if (!a) return null;
  return {
    name: `action:${name}`,
    method: "POST",
    path: a.page,
    who,
    via: "cookie",
    action: a.id,
    body: JSON.stringify([input]),
  };
}

const ui = (name: string, path: string, who: Who): Op => ({ name, method: "GET", path, who, via: "cookie" });

/** Everything invalid or read-only that runs beside the conflicts: it must answer 2xx or 4xx. */
export function noise(org: FuzzOrg, r: Rng, ids: { requests: string[]; grants: string[] }): Op {
  const someRequest = ids.requests.length > 0 ? r.pick(ids.requests) : r.pick(BAD_IDS);
  const kinds: (() => Op)[] = [
    () => api("get-request-bad-id", "GET", `/requests/${r.pick(BAD_IDS)}`, "requester"),
    () => api("get-grant-bad-id", "GET", `/grants/${r.pick(BAD_IDS)}`, "admin"),
    () =>
      api(
        "decide-bad-id",
        "POST",
        `/requests/${r.pick(BAD_IDS)}/decision`,
        "approver",
        '{"verdict":"approve"}',
      ),
    () => api("revoke-bad-id", "POST", `/grants/${r.pick(BAD_IDS)}/revoke`, "admin", '{"reason":"x"}'),
    () =>
      api(
        "list-requests-odd-query",
        "GET",
        `/requests${r.pick(BAD_QUERIES)}`,
        r.pick(["requester", "admin"] as const),
      ),
    () =>
      api(
        "list-grants-odd-query",
        "GET",
        `/grants${r.pick(BAD_QUERIES)}`,
        r.pick(["admin", "auditor"] as const),
      ),
    () => api("list-requests-all", "GET", "/requests?scope=all&limit=100", "admin"),
    () => api("list-grants-all", "GET", "/grants?scope=all&limit=100", "admin"),
    () =>
      api(
        "get-request",
        "GET",
        `/requests/${someRequest}`,
        r.pick(["requester", "approver", "auditor"] as const),
      ),
    () =>
      api(
        "submit-ill-formed-text",
        "POST",
        "/requests",
        "requester",
        submitBody(org, r).replace(/"justification":"[^"]*"/, `"justification":${r.pick(BAD_JSON_TEXTS)}`),
      ),
    () => api("submit-malformed-json", "POST", "/requests", "requester", '{"targetId": '),
    () =>
      api(
        "submit-too-long",
        "POST",
        "/requests",
        "requester",
        submitBody(org, r, { durationMinutes: 10 ** 9 }),
      ),
    () =>
      api(
        "submit-unknown-target",
        "POST",
        "/requests",
        "requester",
        submitBody(org, r, { targetId: r.pick(BAD_IDS) }),
      ),
    () =>
      api(
        "submit-huge-body",
        "POST",
        "/requests",
        "requester",
        submitBody(org, r, { justification: "x".repeat(70_000) }),
      ),
    () => ({
      ...api("submit-wrong-type", "POST", "/requests", "requester", submitBody(org, r)),
      contentType: "text/csv",
    }),
    () =>
      api(
        "decide-bad-verdict",
        "POST",
        `/requests/${someRequest}/decision`,
        "approver2",
        '{"verdict":"maybe"}',
      ),
    () => ui("ui-inbox", "/api/ui/inbox", r.pick(["approver", "approver2"] as const)),
    () => ui("ui-home", "/api/ui/home", r.pick(["requester", "admin"] as const)),
    () =>
      ui(
        "ui-request",
        `/api/ui/requests/${r.next() < 0.7 ? someRequest : r.pick(BAD_IDS)}`,
        r.pick(["requester", "approver2"] as const),
      ),
    () => ui("page-inbox", "/inbox", "approver2"),
    () => ui("page-requests", "/requests", "requester"),
    () => ui("page-admin-grants", "/admin/grants", "admin"),
    () => ({ name: "health", method: "GET", path: "/api/health" }),
    () => ({ name: "no-token", method: "GET", path: "/api/v1/requests" }),
  ];
  return r.pick(kinds)();
}

/** Valid submissions, some sent twice with the same body (the API has no idempotency key: both count). */
export function submits(org: FuzzOrg, r: Rng, n: number): Op[][] {
  const bursts: Op[][] = [];
  for (let i = 0; i < n; i++) {
    const who = r.next() < 0.75 ? "requester" : "approver";
    const op = api("submit", "POST", "/requests", who, submitBody(org, r));
    bursts.push(r.next() < 0.2 ? [op, { ...op, name: "submit-duplicate" }] : [op]);
  }
  return bursts;
}

/** All at once on one pending request: the decisions and cancellations that race for its one transition. */
export function requestConflicts(org: FuzzOrg, r: Rng, id: string, requester: Who): Op[] {
  const decide = (who: Who, verdict: string) =>
    api(
      `decide-${verdict}`,
      "POST",
      `/requests/${id}/decision`,
      who,
      JSON.stringify({ verdict, comment: r.pick(TEXTS).slice(0, 200) }),
    );
  const recipes: (() => (Op | null)[])[] = [
    () => [
      decide("approver2", "approve"),
      decide("approver2", "deny"),
      api("cancel", "POST", `/requests/${id}/cancel`, requester),
    ],
    () => [decide("approver2", "approve"), decide("approver2", "approve"), decide("approver", "approve")],
    () => [
      decide("approver", "approve"),
      action(org, "decideAction", "approver2", { requestId: id, verdict: "deny" }),
      action(org, "cancelAction", requester, { requestId: id }),
      api("cancel", "POST", `/requests/${id}/cancel`, requester),
    ],
    () => [
      action(org, "decideAction", "approver2", { requestId: id, verdict: "approve" }),
      action(org, "decideAction", "approver", { requestId: id, verdict: "approve" }),
      action(org, "approveManyAction", "approver2", { requestIds: [id, id] }),
      api("get-request", "GET", `/requests/${id}`, requester),
    ],
    () => [
      api("cancel", "POST", `/requests/${id}/cancel`, requester),
      api("cancel", "POST", `/requests/${id}/cancel`, requester),
      decide("approver2", "approve"),
    ],
  ];
  const ops = r
    .pick(recipes)()
    .filter((o): o is Op => o !== null);
  ops.push(api("list-requests", "GET", "/requests?scope=all&limit=50", "admin"));
  if (r.next() < 0.5) {
    ops.push({ ...api("revoke-while-provisioning", "GET", `/requests/${id}`, "admin"), chase: id });
  }
  return r.shuffle(ops);
}

/** All at once on one active grant: revocations and extensions from its owner and an admin. */
export function grantConflicts(org: FuzzOrg, r: Rng, id: string, owner: Who, expiresAt: string): Op[] {
  const revoke = (who: Who) =>
    api(
      "revoke",
      "POST",
      `/grants/${id}/revoke`,
      who,
      JSON.stringify({ reason: r.pick(TEXTS).slice(0, 100) }),
    );
  const extend = (withExpiry: boolean) =>
    action(org, "extendGrantAction", owner, {
      grantId: id,
      // Now and then a number of minutes no date can hold (a safe integer, so the schema lets it through).
      minutes: r.next() < 0.1 ? r.pick([Number.MAX_SAFE_INTEGER, 2 ** 40, 1e12]) : r.int(1, 30),
      reason: "need more time",
      ...(withExpiry ? { currentExpiresAt: expiresAt } : {}),
    });
  const recipes: (() => (Op | null)[])[] = [
    () => [revoke("admin"), revoke("admin"), extend(true)],
    () => [extend(true), extend(true), extend(false)],
    () => [
      revoke(owner),
      action(org, "giveBackGrantAction", owner, { grantId: id }),
      extend(false),
      revoke("admin"),
    ],
    () => [extend(false), extend(false), revoke("admin"), api("get-grant", "GET", `/grants/${id}`, owner)],
  ];
  const ops = r
    .pick(recipes)()
    .filter((o): o is Op => o !== null);
  ops.push(api("list-grants", "GET", "/grants?scope=all&limit=50", "admin"));
  return r.shuffle(ops);
}

/** The chase: read the request until a grant shows, then revoke it (the revocation's outcome is the op's). */
async function chase(base: string, auth: Auth, op: Op, timeoutMs: number): Promise<Outcome> {
  let last: Outcome | null = null;
  for (let i = 0; i < 40; i++) {
    last = await send(base, auth, { ...op, chase: undefined }, timeoutMs);
    if (last.status !== 200) return last;
    const dto = JSON.parse(last.body) as { status: string; grants: { id: string; status: string }[] };
    const open = dto.grants.find((g) => g.status !== "revoked" && g.status !== "failed");
    if (open) {
      const revoke = api(op.name, "POST", `/grants/${open.id}/revoke`, "admin", '{"reason":"race"}');
      return send(base, auth, revoke, timeoutMs);
    }
    if (dto.status !== "pending") return last;
    await new Promise((res) => setTimeout(res, 5));
  }
  return last as Outcome;
}

/** Sends one op; a network error or a timeout is recorded as status 0 (a hang is a defect too). */
export async function send(base: string, auth: Auth, op: Op, timeoutMs: number): Promise<Outcome> {
  if (op.chase) return chase(base, auth, op, timeoutMs);
  const headers: Record<string, string> = { origin: base };
  if (op.who && op.via === "token") headers.authorization = `Bearer ${auth.tokens[op.who]}`;
  if (op.who && op.via === "cookie") headers.cookie = auth.cookies[op.who];
  if (op.contentType) headers["content-type"] = op.contentType;
  if (op.action) {
    headers["next-action"] = op.action;
    headers["content-type"] = "text/plain;charset=UTF-8";
    headers.accept = "text/x-component";
  }
  const started = performance.now();
  const at = Date.now();
  try {
    const res = await fetch(`${base}${op.path}`, {
      method: op.method,
      headers,
      body: op.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    const serverError = res.status >= 500 || (op.action !== undefined && /"code":"internal"/.test(body));
    return { op, status: res.status, body, ms: performance.now() - started, serverError, at };
  } catch (err) {
    // fetch wraps the socket's own error (reset, closed) in `cause`.
    const cause =
      err instanceof Error && err.cause instanceof Error
        ? ` (${String((err.cause as { code?: unknown }).code ?? "")} ${err.cause.message})`
        : "";
    const body = err instanceof Error ? `${err.name}: ${err.message}${cause}` : String(err);
    return { op, status: 0, body, ms: performance.now() - started, serverError: true, at };
  }
}
