// Policy evaluation benchmark: the largest document the schema accepts (200 rules) judging a request on the
// most targets one request may name (20). Pure CPU, no database. Run alone with `npx tsx bench/policy-eval.ts`;
// bench/index.ts calls run().
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { PolicyDocument, PolicyRule } from "@/db/schema";
import { CLOUDS, RISKS } from "@/db/schema/enums";
import { DEFAULT_POLICY_DOCUMENT } from "@/lib/policies/default";
import { evaluate, type RequestFacts } from "@/lib/policies/evaluate";
import { validateDocument } from "@/lib/policies/schema";

const RULES = 200;
const TARGETS = 20;
const ITERATIONS = 2000;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (n: number) => Math.round(n * 1000) / 1000;

function document(): PolicyDocument {
  const rules: PolicyRule[] = Array.from({ length: RULES }, (_, i) => ({
    id: `rule-${i}`,
    match: {
      ...(i % 2 ? { clouds: [CLOUDS[i % 3]] } : {}),
      ...(i % 3 ? { environments: [i % 2 ? "prod" : "staging"] } : {}),
      ...(i % 5 ? { targetTags: [`tag-${i % 7}`] } : {}),
      ...(i % 4 === 0 ? { risks: [RISKS[i % 3]] } : {}),
    },
    decide: {
      approvalsRequired: 1 + (i % 3),
      maxDurationSeconds: 3600 * (1 + (i % 8)),
      ...(i % 6 === 0 ? { approverGroups: [`team-${i % 9}`] } : {}),
      ...(i % 10 === 0 ? { autoApprove: { maxRisk: "low" as const } } : {}),
    },
  }));
  return validateDocument({ ...DEFAULT_POLICY_DOCUMENT, rules });
}

export async function run(): Promise<object> {
  const t0 = performance.now();
  const doc = document();
  const validateMs = performance.now() - t0;
  const facts: RequestFacts[] = Array.from({ length: TARGETS }, (_, i) => ({
    targetId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    cloud: CLOUDS[i % 3],
    tags: [`tag-${i % 7}`, `tag-${(i + 3) % 7}`],
    environment: i % 2 ? "prod" : "staging",
    ownerGroup: null,
    templateKey: "logs.read",
    risk: RISKS[i % 3],
    requesterGroups: ["engineering"],
  }));
  const times: number[] = [];
  let matched = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const s = performance.now();
    matched = evaluate(doc, facts).ruleIds.length;
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return {
    bench: "policy-eval",
    rules: RULES,
    targets: TARGETS,
    iterations: ITERATIONS,
    matchedRules: matched,
    validateMs: round(validateMs),
    evaluateMs: {
      p50: round(pct(times, 50)),
      p95: round(pct(times, 95)),
      max: round(times[times.length - 1]),
    },
  };
}

if (import.meta.url === pathToFileURL(path.resolve(process.argv[1] ?? "")).href) {
  run().then((r) => console.log(JSON.stringify(r)));
}
