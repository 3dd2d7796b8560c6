import type { Cloud } from "@/db/schema";
import { catalogKey } from "@/lib/catalog/catalog";

/** What mapping needs from the catalog: a permission's canonical spelling, if the catalog knows it. */
export type CatalogLookup = { get(cloud: Cloud, name: string): { name: string } | undefined };

/** Reasons naming one permission are kept apart for the first few names, then pooled. */
export class ReasonNames {
  private seen = new Set<string>();
  constructor(private readonly max = 50) {}
  name(reason: string, detail: string): string {
    const key = `${reason}: ${detail.slice(0, 120)}`;
    if (this.seen.has(key)) return key;
    if (this.seen.size >= this.max) return `${reason}: (others)`;
    this.seen.add(key);
    return key;
  }
}

/**
 * The catalog reduced to what mapping reads (each permission's canonical spelling by its lookup key), for
 * the ingest worker: a map clones into a worker thread where a Catalog's classes would not.
 */
export class NameLookup implements CatalogLookup {
  constructor(private readonly names: Map<string, string>) {}

  /** The catalog's names (built once per catalog). */
  static namesOf(catalog: { entries: readonly { cloud: Cloud; name: string }[] }): Map<string, string> {
    let names = built.get(catalog);
    if (!names) {
      names = new Map(catalog.entries.map((e) => [catalogKey(e.cloud, e.name), e.name]));
      built.set(catalog, names);
    }
    return names;
  }

  get(cloud: Cloud, name: string): { name: string } | undefined {
    const found = this.names.get(catalogKey(cloud, name));
    return found === undefined ? undefined : { name: found };
  }
}

const built = new WeakMap<object, Map<string, string>>();
