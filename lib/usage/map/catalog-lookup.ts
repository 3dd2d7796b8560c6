import type { Cloud } from "@/db/schema";

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
