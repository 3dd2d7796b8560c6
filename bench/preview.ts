// Preview benchmark: build + evaluate the role of a 500-permission explicit request (what the request form
// shows on every change), and wildcard expansion of pathological patterns (the one that froze the server).
// Run alone with `npx tsx bench/preview.ts`; bench/index.ts calls run().
import { pathToFileURL } from "node:url";
import { loadBaseCatalog } from "@/lib/catalog/load";
import { buildRoleSpec } from "@/lib/catalog/role-builder";
import { expandPermissions } from "@/lib/catalog/wildcard";
import { type AwsPolicyDocument, evaluateAws } from "@/lib/iam/aws-eval";
import { summary } from "./stats";

const ITERATIONS = 40;
const PATHOLOGICAL = ["ec2:*?*?*?*?*?*?*Z9", "*?*?*?*?*?*?*?*?*?*?", "s3:*a*a*a*a*a*a*a*a*a*Z"];

export async function run(): Promise<object> {
  const catalog = await loadBaseCatalog();
  const actions = catalog
    .ofService("aws", "ec2")
    .map((e) => e.name)
    .slice(0, 500);
  const previews: number[] = [];
  let statements = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    const spec = buildRoleSpec({
      cloud: "aws",
      permissions: actions,
      catalog,
      accountId: "111122223333",
      resource: null,
      resourceKind: null,
    });
    // What the preview's "can" column evaluates: every action on its resource, and one unrelated action.
    const policies = (spec.parts ?? [spec.document]) as AwsPolicyDocument[];
    const time = new Date();
    for (const action of spec.permissions) evaluateAws(policies, { action, resource: "*", time });
    evaluateAws(policies, { action: "iam:CreateUser", resource: "*", time });
    previews.push(performance.now() - started);
    statements = spec.parts?.length ?? 1;
  }
  const patterns: Record<string, object> = {};
  for (const pattern of PATHOLOGICAL) {
    const times: number[] = [];
    let outcome = "";
    for (let i = 0; i < ITERATIONS; i++) {
      const started = performance.now();
      try {
        outcome = `${expandPermissions(catalog, "aws", [pattern]).permissions.length} matches`;
      } catch (e) {
        outcome = e instanceof Error ? e.message.slice(0, 80) : String(e);
      }
      times.push(performance.now() - started);
    }
    patterns[pattern] = { ...summary(times, [50, 95]), outcome };
  }
  return {
    bench: "preview",
    permissions: actions.length,
    managedPolicies: statements,
    iterations: ITERATIONS,
    previewMs: summary(previews, [50, 95, 99]),
    pathologicalExpansionMs: patterns,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  run().then((r) => process.stdout.write(`${JSON.stringify(r)}\n`));
}
