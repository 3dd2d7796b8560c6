import { malformed } from "./errors";

/**
 * The policy grammar IAM enforces before storing a document (reference_policies_grammar.html and the
 * reference_policies_elements_*.html pages). Identity policies (managed and inline) name actions and
 * resources, never principals; role trust policies name principals and STS actions, never resources.
 */
export type PolicyKind = "identity" | "trust";

type Statement = Record<string, unknown>;

/** reference_policies_elements_version.html: the only two policy language versions. */
const VERSIONS = new Set(["2012-10-17", "2008-10-17"]);
/** The actions a role trust policy may allow (reference_policies_elements_principal.html, id_session-tags.html). */
const TRUST_ACTIONS = [
  "sts:AssumeRole",
  "sts:AssumeRoleWithSAML",
  "sts:AssumeRoleWithWebIdentity",
  "sts:TagSession",
  "sts:SetSourceIdentity",
  "sts:SetContext",
];
const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;

const has = (s: Statement, key: string) => s[key] !== undefined;
const values = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** Parses and checks a policy document as IAM does; returns its statements. */
export function checkPolicy(doc: string, kind: PolicyKind): Statement[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch {
    throw malformed("Syntax errors in policy.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw malformed("Syntax errors in policy.");
  }
  const { Version, Statement: raw } = parsed as { Version?: unknown; Statement?: unknown };
  // Version may be omitted (it then means 2008-10-17); any other value fails to parse.
  if (Version !== undefined && (typeof Version !== "string" || !VERSIONS.has(Version))) {
    throw malformed("The policy failed legacy parsing");
  }
  if (raw === undefined) throw malformed("Policy document must contain a Statement.");
  const statements = values(raw);
  for (const s of statements) {
    if (typeof s !== "object" || s === null || Array.isArray(s)) throw malformed("Syntax errors in policy.");
    checkStatement(s as Statement, kind);
  }
  return statements as Statement[];
}

function checkStatement(s: Statement, kind: PolicyKind): void {
  if (s.Effect !== "Allow" && s.Effect !== "Deny") throw malformed("Missing required field Effect");
  if (!has(s, "Action") && !has(s, "NotAction")) throw malformed("Policy statement must contain actions.");
  for (const a of [...values(s.Action ?? []), ...values(s.NotAction ?? [])]) checkAction(a);
  if (kind === "identity") {
    if (has(s, "Principal") || has(s, "NotPrincipal")) {
      throw malformed("Policy document should not specify a principal.");
    }
    if (!has(s, "Resource") && !has(s, "NotResource")) {
      throw malformed("Policy statement must contain resources.");
    }
    for (const r of [...values(s.Resource ?? []), ...values(s.NotResource ?? [])]) checkResource(r);
    return;
  }
  if (has(s, "Resource") || has(s, "NotResource")) throw malformed("Has prohibited field Resource");
  // NotPrincipal is not supported in role trust policies (reference_policies_elements_notprincipal.html).
  if (!has(s, "Principal")) throw malformed("Missing required field Principal");
  if (has(s, "NotAction") || !values(s.Action).every(isTrustAction)) {
    throw malformed("AssumeRole policy may only specify STS AssumeRole actions.");
  }
}

/** `*`, or `<service prefix>:<action>` where the action may use the `*` and `?` wildcards. */
function checkAction(a: unknown): void {
  if (a === "*") return;
  if (typeof a !== "string" || !a.includes(":")) {
    throw malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  }
  if (a.split(":").length > 2) throw malformed("Actions/Condition can contain only one colon.");
  if (!ACTION.test(a)) throw malformed(`Action ${a} is not a valid action name.`);
}

/** reference_policies_elements_resource.html: `*` or an ARN (arn:partition:service:region:account:resource). */
function checkResource(r: unknown): void {
  if (r === "*") return;
  if (typeof r !== "string" || !r.startsWith("arn:") || r.split(":").length < 6) {
    throw malformed(`Resource ${String(r)} must be in ARN format or "*".`);
  }
}

/** An STS trust action, spelled in any case or matched by a wildcard (`sts:AssumeRole*`). */
function isTrustAction(a: unknown): boolean {
  if (typeof a !== "string" || !a.toLowerCase().startsWith("sts:")) return false;
  const glob = a
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  const pattern = new RegExp(`^${glob}$`, "i");
  return TRUST_ACTIONS.some((t) => pattern.test(t));
}
