import { hash } from "node:crypto";

/** JSON with object keys sorted at every depth, so equal content always hashes equal. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort(byCodeUnit);
  let out = "";
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${out ? "," : ""}${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `{${out}}`;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const GENESIS_HASH = "0".repeat(64);

export type HashedFields = {
  orgId: string;
  seq: number;
  actorType: string;
  actorId: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: Record<string, unknown>;
  createdAt: Date;
};

/**
 * hash = sha256(prevHash + canonicalJSON(row)), over the hashed fields only (a whole row may be passed).
 * The top-level keys are fixed, so their canonical (sorted) order is written out here rather than sorted
 * per event: verify hashes a million events, and this is most of its time. canonical.test.ts holds it to
 * canonicalJson.
 */
export function eventHash(prevHash: string, row: HashedFields): string {
  const s = JSON.stringify;
  const body =
    `{"action":${s(row.action)},"actorId":${s(row.actorId)},"actorType":${s(row.actorType)}` +
    `,"createdAt":"${row.createdAt.toISOString()}","data":${canonicalJson(row.data)},"orgId":${s(row.orgId)}` +
    `,"seq":${s(row.seq)},"subjectId":${s(row.subjectId)},"subjectType":${s(row.subjectType)}}`;
  // One-shot hash (Node ≥ 20.12): a Hash object per event cost more than the hashing itself.
  return hash("sha256", prevHash + body, "hex");
}

/**
 * The event's canonical JSON cut where its seq goes: canonicalJson({ ...row, seq }) === prefix + seq + suffix.
 * The database chains the event at commit, once it knows the seq, and hashes exactly what eventHash does.
 */
export function canonicalAroundSeq(row: Omit<HashedFields, "seq">): { prefix: string; suffix: string } {
  const body: Record<string, unknown> = { ...row, createdAt: row.createdAt.toISOString() };
  const keys = Object.keys(body)
    .filter((k) => body[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const pair = (k: string) => `${JSON.stringify(k)}:${canonicalJson(body[k])}`;
  const before = keys.filter((k) => k < "seq").map(pair);
  const after = keys.filter((k) => k > "seq").map(pair);
  return { prefix: `{${[...before, '"seq":'].join(",")}`, suffix: `${after.map((p) => `,${p}`).join("")}}` };
}
