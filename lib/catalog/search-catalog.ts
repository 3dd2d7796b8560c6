import { eq } from "drizzle-orm";
import { type CloudPermissions, type Risk, taskTemplates } from "@/db/schema";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { loadOrgCatalog, permissionIndex } from "./load";
import { SearchCatalogInput } from "./schemas";
import { type SearchDoc, type SearchFilters, SearchIndex } from "./search-index";

export type SearchResultDto = Omit<SearchDoc, "title"> & {
  title: string;
  score: number;
  /** Templates only: the per-cloud permissions and placeholders. */
  template?: { key: string; version: number; permissions: CloudPermissions; placeholders: string[] };
};

type TemplateDoc = SearchDoc & { template: NonNullable<SearchResultDto["template"]> };

/** Templates rank above single permissions at equal relevance: they are what most people want. */
const TEMPLATE_BOOST = 1.5;

/** Searches the org's task templates and every cloud's permissions, with filters and typo tolerance. */
export async function searchCatalog({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: SearchCatalogInput;
}): Promise<{ results: SearchResultDto[] }> {
  assertPermission(ctx, "requests.read.own");
  const q = parseInput(SearchCatalogInput, input);
  const filters = q as SearchFilters;
  const [catalog, templates] = await Promise.all([loadOrgCatalog(ctx.db, ctx.orgId), latestTemplates(ctx)]);
  const permissionHits =
    q.kind === "template" ? [] : permissionIndex(catalog).search(q.query, filters, q.limit);
  const templateHits =
    q.kind === "permission" || q.service || q.accessLevel
      ? []
      : new SearchIndex(templates).search(q.query, filters, q.limit);
  const results: SearchResultDto[] = [
    ...templateHits.map((h) => ({ ...h.doc, score: h.score * TEMPLATE_BOOST })),
    ...permissionHits.map((h) => ({ ...h.doc, score: h.score })),
  ];
  results.sort((a, b) => b.score - a.score);
  return { results: results.slice(0, q.limit) };
}

async function latestTemplates(ctx: Ctx): Promise<TemplateDoc[]> {
  const rows = await ctx.db.select().from(taskTemplates).where(eq(taskTemplates.orgId, ctx.orgId));
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if ((latest.get(r.key)?.version ?? 0) < r.version) latest.set(r.key, r);
  return [...latest.values()].map((t) => templateDoc(t));
}

export function templateDoc(t: {
  key: string;
  version: number;
  name: string;
  description: string;
  risk: Risk;
  permissions: CloudPermissions;
  placeholders: string[];
}): TemplateDoc {
  return {
    kind: "template",
    cloud: null,
    service: "template",
    name: t.key,
    title: t.name,
    description: `${t.description} ${t.placeholders.join(" ")}`,
    accessLevel: null,
    risk: [],
    riskLevel: t.risk,
    template: { key: t.key, version: t.version, permissions: t.permissions, placeholders: t.placeholders },
  };
}
