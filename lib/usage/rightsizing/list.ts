import type { Cloud } from "@/db/schema";
import { buildRoleSpec, type Catalog, loadOrgCatalog } from "@/lib/catalog";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { PLACEHOLDER_ACCOUNTS } from "@/lib/templates/validate";
import { loadEvidence } from "./evidence";
import { type Checks, recommend } from "./recommend";
import { ListRecommendationsInput } from "./schemas";
import type { RecommendationDto } from "./types";

export type RecommendationsDto = { windowFrom: string; windowTo: string; items: RecommendationDto[] };

const DAY_MS = 86_400_000;

/** Right-sizing recommendations over a window (default 90 days); for auditors and admins (audit.read). */
export async function listRecommendations({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListRecommendationsInput;
}): Promise<RecommendationsDto> {
  assertPermission(ctx, "audit.read");
  const { windowDays, now } = parseInput(ListRecommendationsInput, input);
  const to = now ?? new Date();
  const from = new Date(to.getTime() - windowDays * DAY_MS);
  const [evidence, catalog] = await Promise.all([
    loadEvidence(ctx.db, ctx.orgId, from, to),
    loadOrgCatalog(ctx.db, ctx.orgId),
  ]);
  return {
    windowFrom: from.toISOString(),
    windowTo: to.toISOString(),
    items: recommend(evidence, catalogChecks(catalog)),
  };
}

export function catalogChecks(catalog: Catalog): Checks {
  return {
    canonical: (cloud, p) => catalog.get(cloud, p)?.name ?? null,
    builds: (cloud: Cloud, permissions: string[]) => {
      try {
        buildRoleSpec({
          cloud,
          permissions,
          resource: null,
          resourceKind: null,
          accountId: PLACEHOLDER_ACCOUNTS[cloud],
          catalog,
        });
        return true;
      } catch {
        return false;
      }
    },
  };
}
