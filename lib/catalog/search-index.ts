import type { Cloud, Risk } from "@/db/schema";
import { editDistance } from "./distance";
import { SYNONYMS, tokenize } from "./tokens";
import type { AccessLevel, RiskTag } from "./types";

export type SearchDoc = {
  kind: "permission" | "template";
  /** null for templates: they span every cloud. */
  cloud: Cloud | null;
  service: string;
  name: string;
  title: string;
  description: string;
  accessLevel: AccessLevel | null;
  risk: RiskTag[];
  riskLevel: Risk;
};

export type SearchFilters = {
  cloud?: Cloud;
  service?: string;
  accessLevel?: AccessLevel;
  risk?: Risk | RiskTag;
  kind?: SearchDoc["kind"];
};
export type SearchHit<D extends SearchDoc = SearchDoc> = { doc: D; score: number };

const FIELD_WEIGHT = { name: 3, title: 3, service: 2, description: 1 } as const;

/** An in-memory inverted index with prefix, synonym and typo matching. Build once, query many times. */
export class SearchIndex<D extends SearchDoc = SearchDoc> {
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly vocabByLength = new Map<number, string[]>();
  private readonly vocab: string[];

  constructor(readonly docs: readonly D[]) {
    docs.forEach((d, i) => {
      this.add(i, d.name, FIELD_WEIGHT.name);
      if (d.title !== d.name) this.add(i, d.title, FIELD_WEIGHT.title);
      this.add(i, d.service, FIELD_WEIGHT.service);
      this.add(i, d.description, FIELD_WEIGHT.description);
    });
    this.vocab = [...this.postings.keys()].sort();
    for (const t of this.vocab) {
      const list = this.vocabByLength.get(t.length) ?? [];
      list.push(t);
      this.vocabByLength.set(t.length, list);
    }
  }

  private add(doc: number, text: string, weight: number) {
    for (const t of tokenize(text)) {
      let p = this.postings.get(t);
      if (!p) {
        p = new Map();
        this.postings.set(t, p);
      }
      if ((p.get(doc) ?? 0) < weight) p.set(doc, weight);
    }
  }

  /** Index tokens a query word reaches, each with a factor: exact 1, synonym ≤1, prefix 0.7, typo 0.5. */
  private reach(word: string): Map<string, number> {
    const out = new Map<string, number>();
    const put = (t: string, f: number) => {
      if ((out.get(t) ?? 0) < f && this.postings.has(t)) out.set(t, f);
    };
    put(word, 1);
    for (const [s, f] of SYNONYMS[word] ?? []) put(s, f);
    if (word.length >= 3) {
      // The vocabulary is sorted: words with this prefix form one contiguous run.
      for (
        let i = lowerBound(this.vocab, word);
        i < this.vocab.length && this.vocab[i].startsWith(word);
        i++
      ) {
        if (this.vocab[i].length > word.length) put(this.vocab[i], 0.7);
      }
    }
    if (!this.postings.has(word) && word.length >= 4) {
      const max = word.length >= 8 ? 2 : 1;
      for (let len = word.length - max; len <= word.length + max; len++) {
        for (const t of this.vocabByLength.get(len) ?? []) {
          if (editDistance(word, t, max) <= max) {
            put(t, 0.5);
            for (const [s, f] of SYNONYMS[t] ?? []) put(s, f * 0.5);
          }
        }
      }
    }
    return out;
  }

  search(query: string, filters: SearchFilters = {}, limit = 25): SearchHit<D>[] {
    const words = tokenize(query);
    if (words.length === 0) return [];
    const reaches = words.map((w) => [...this.reach(w)]);
    const size = (r: [string, number][]) => r.reduce((n, [t]) => n + (this.postings.get(t)?.size ?? 0), 0);
    const order = reaches.map((r, i) => ({ i, n: size(r) })).sort((a, b) => a.n - b.n);
    // Score the rarest word fully, then only look its candidates up in the others (AND).
    const first = this.scores(reaches[order[0].i]);
    const rest = order.slice(1).map((o) => reaches[o.i]);
    let hits: SearchHit<D>[] = [];
    for (const [doc, s0] of first) {
      const d = this.docs[doc];
      if (!matchesFilters(d, filters)) continue;
      let score = s0;
      for (const r of rest) {
        const s = this.best(r, doc);
        if (s === 0) {
          score = -1;
          break;
        }
        score += s;
      }
      if (score > 0) hits.push({ doc: d, score });
    }
    // Nothing has every word: fall back to docs with any word, ranked by how many they have.
    if (hits.length === 0 && words.length > 1) {
      const perWord = reaches.map((r) => this.scores(r));
      hits = this.collect(perWord, [...new Set(perWord.flatMap((m) => [...m.keys()]))], filters);
    }
    hits.sort(
      (a, b) =>
        b.score - a.score || a.doc.name.length - b.doc.name.length || a.doc.name.localeCompare(b.doc.name),
    );
    return hits.slice(0, limit);
  }

  private scores(reach: [string, number][]): Map<number, number> {
    const scores = new Map<number, number>();
    for (const [token, factor] of reach) {
      for (const [doc, weight] of this.postings.get(token) ?? []) {
        const s = weight * factor;
        if ((scores.get(doc) ?? 0) < s) scores.set(doc, s);
      }
    }
    return scores;
  }

  private best(reach: [string, number][], doc: number): number {
    let best = 0;
    for (const [token, factor] of reach) {
      const w = this.postings.get(token)?.get(doc);
      if (w !== undefined && w * factor > best) best = w * factor;
    }
    return best;
  }

  private collect(perWord: Map<number, number>[], candidates: number[], f: SearchFilters): SearchHit<D>[] {
    const out: SearchHit<D>[] = [];
    for (const i of candidates) {
      const doc = this.docs[i];
      if (!matchesFilters(doc, f)) continue;
      let score = 0;
      let have = 0;
      for (const m of perWord) {
        const s = m.get(i);
        if (s === undefined) continue;
        score += s;
        have++;
      }
      out.push({ doc, score: score * (have / perWord.length) });
    }
    return out;
  }
}

function matchesFilters(d: SearchDoc, f: SearchFilters): boolean {
  if (f.kind && d.kind !== f.kind) return false;
  if (f.cloud && d.cloud !== null && d.cloud !== f.cloud) return false;
  if (f.service && d.service.toLowerCase() !== f.service.toLowerCase()) return false;
  if (f.accessLevel && d.accessLevel !== f.accessLevel) return false;
  if (f.risk) {
    const isLevel = f.risk === "low" || f.risk === "medium" || f.risk === "high";
    if (isLevel ? d.riskLevel !== f.risk : !d.risk.includes(f.risk as RiskTag)) return false;
  }
  return true;
}

function lowerBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
