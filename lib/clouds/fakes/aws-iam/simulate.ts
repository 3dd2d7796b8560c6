import { type AwsPolicyDocument, evaluateAws } from "@/lib/iam/aws-eval";
import { type FakeCtx, type Handler, visible } from "./context";
import { invalidInput, noSuchEntity, validationError } from "./errors";
import { checkPolicy } from "./policy-grammar";
import { findPolicyByArn } from "./state";
import { page, param } from "./validate";

/** `<List>.member.N` of the Query protocol, in order. */
function members(params: URLSearchParams, list: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${list}.member.${i}`); i++) out.push(params.get(`${list}.member.${i}`) ?? "");
  return out;
}

/** `ContextEntries.member.N.{ContextKeyName, ContextKeyValues.member.M, ContextKeyType}`. */
function contextEntries(params: URLSearchParams): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 1; params.has(`ContextEntries.member.${i}.ContextKeyName`); i++) {
    const key = params.get(`ContextEntries.member.${i}.ContextKeyName`) ?? "";
    out.set(key.toLowerCase(), members(params, `ContextEntries.member.${i}.ContextKeyValues`));
  }
  return out;
}

const DECISION = { allow: "allowed", "explicit-deny": "explicitDeny", "implicit-deny": "implicitDeny" };

/**
 * The role's identity policies as IAM simulates them: each attached managed policy's default version and
 * every inline policy, plus any `PolicyInputList` documents.
 */
function rolePolicies(ctx: FakeCtx, arn: string, params: URLSearchParams): AwsPolicyDocument[] {
  const role = [...ctx.state.roles.values()].find((r) => r.arn === arn && visible(ctx, r));
  if (!role) throw noSuchEntity(`The role with ARN ${arn} cannot be found.`);
  const managed = role.attached.flatMap((a) => {
    const doc = findPolicyByArn(ctx.state, a)?.versions.find((v) => v.isDefault)?.document;
    return doc === undefined ? [] : [doc];
  });
  const extra = members(params, "PolicyInputList");
  for (const doc of extra) checkPolicy(doc, "identity");
  return [...managed, ...role.inline.values(), ...extra].map((d) => JSON.parse(d) as AwsPolicyDocument);
}

/**
 * SimulatePrincipalPolicy for roles (the fake holds no users or groups): every action is evaluated on every
 * resource (default `*`) by the independent evaluator (lib/iam/aws-eval.ts), one EvaluationResult each,
 * `allowed` | `explicitDeny` | `implicitDeny`, paged by MaxItems/Marker. Context entries feed condition
 * keys and policy variables; `aws:CurrentTime`, when given, is the simulated time. Action names need a
 * service prefix and may not hold wildcards. Resource policies are not simulated (refused, not ignored).
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
 */
export const simulateHandlers: Record<string, Handler> = {
  SimulatePrincipalPolicy: (params, ctx) => {
    const source = param(params, "PolicySourceArn");
    const actions = members(params, "ActionNames");
    if (actions.length === 0) throw validationError("actionNames", null, "Member must not be null");
    for (const a of actions) {
      if (!/^[A-Za-z0-9-]+:[A-Za-z0-9-]+$/.test(a)) {
        throw invalidInput(`Action name ${a} must be service:Action, without wildcards.`);
      }
    }
    if (params.has("ResourcePolicy")) throw invalidInput("The fake IAM does not simulate resource policies.");
    const resources = members(params, "ResourceArns");
    const policies = rolePolicies(ctx, source, params);
    const context = contextEntries(params);
    const at = context.get("aws:currenttime")?.[0];
    const time = new Date(at === undefined ? ctx.now : Date.parse(at));
    if (Number.isNaN(time.getTime())) throw invalidInput(`aws:CurrentTime ${at} is not a date.`);
    const ctxValues = Object.fromEntries(context);
    const results = actions.flatMap((action) =>
      (resources.length > 0 ? resources : ["*"]).map((resource) => {
        const out = evaluateAws(policies, { action, resource, time, context: ctxValues });
        return {
          EvalActionName: action,
          EvalResourceName: resource,
          EvalDecision: DECISION[out.decision],
        };
      }),
    );
    const { items, IsTruncated, Marker } = page(results, params);
    return { EvaluationResults: items, IsTruncated, Marker };
  },
};
