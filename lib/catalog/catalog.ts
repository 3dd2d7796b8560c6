import type { Cloud } from "@/db/schema";
import { tagEntry } from "./risk";
import type { AwsResourceTable, CatalogEntry, RawEntry } from "./types";

/** GCP, Kubernetes and Okta names are case-sensitive; AWS actions and Azure operations are not. */
export const normalise = (cloud: Cloud, name: string) =>
  cloud === "gcp" || cloud === "kubernetes" || cloud === "okta" ? name : name.toLowerCase();
/** A permission's lookup key: its cloud and its name, normalised. */
export const catalogKey = (cloud: Cloud, name: string) => `${cloud}\u0000${normalise(cloud, name)}`;

/** An immutable, indexed set of permissions across clouds. */
export class Catalog {
  readonly entries: readonly CatalogEntry[];
  private readonly byKey = new Map<string, CatalogEntry>();
  private readonly byService = new Map<string, CatalogEntry[]>();
  private readonly byCloud = new Map<Cloud, CatalogEntry[]>();

  constructor(
    entries: CatalogEntry[],
    readonly awsResources: AwsResourceTable = new Map(),
  ) {
    this.entries = entries;
    for (const e of entries) {
      this.byKey.set(catalogKey(e.cloud, e.name), e);
      const sk = catalogKey(e.cloud, e.service);
      const list = this.byService.get(sk) ?? [];
      list.push(e);
      this.byService.set(sk, list);
      const cl = this.byCloud.get(e.cloud) ?? [];
      cl.push(e);
      this.byCloud.set(e.cloud, cl);
    }
  }

  get(cloud: Cloud, name: string): CatalogEntry | undefined {
    return this.byKey.get(catalogKey(cloud, name));
  }

  has(cloud: Cloud, name: string): boolean {
    return this.byKey.has(catalogKey(cloud, name));
  }

  ofCloud(cloud: Cloud): readonly CatalogEntry[] {
    return this.byCloud.get(cloud) ?? [];
  }

  ofService(cloud: Cloud, service: string): readonly CatalogEntry[] {
    return this.byService.get(catalogKey(cloud, service)) ?? [];
  }

  /** ARN template of an AWS resource type, e.g. `arn:${Partition}:s3:::${BucketName}`. */
  awsArn(service: string, resourceType: string): string | undefined {
    return this.awsResources.get(service.toLowerCase())?.get(resourceType.toLowerCase());
  }
}

/**
 * Merges raw entries from several sources (built-in, imports) by name: later sources win field by field
 * where they know more (a description, a custom-role support level, the data-action flag).
 */
export function buildCatalog(sources: RawEntry[][], awsResources?: AwsResourceTable): Catalog {
  const merged = new Map<string, RawEntry>();
  for (const list of sources) {
    for (const e of list) {
      const k = catalogKey(e.cloud, e.name);
      const prev = merged.get(k);
      merged.set(k, prev ? mergeEntry(prev, e) : e);
    }
  }
  return new Catalog([...merged.values()].map(tagEntry), awsResources);
}

function mergeEntry(a: RawEntry, b: RawEntry): RawEntry {
  return {
    ...a,
    description: b.description || a.description,
    resourceTypes: b.resourceTypes.length ? b.resourceTypes : a.resourceTypes,
    conditionKeys: b.conditionKeys.length ? b.conditionKeys : a.conditionKeys,
    customRoleSupport: b.customRoleSupport ?? a.customRoleSupport,
    dataAction: b.dataAction ?? a.dataAction,
    extraRisk: [...new Set([...(a.extraRisk ?? []), ...(b.extraRisk ?? [])])],
  };
}
