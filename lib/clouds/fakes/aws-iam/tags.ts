import { invalidInput, limitExceeded, validationError } from "./errors";
import type { Tag } from "./state";
import { IAM_LIMITS } from "./validate";

/** API_Tag.html: key 1–128 and value 0–256 characters from this set; reference_iam-quotas.html: 50 tags. */
export const TAG_LIMITS = { perResource: IAM_LIMITS.tagsPerResource, key: 128, value: 256 } as const;
const KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Unicode characters, as IAM counts them (not UTF-16 code units). */
const length = (s: string) => [...s].length;

/**
 * `Tags.member.N.Key` / `.Value`, as the Query protocol flattens lists, checked as IAM does: member
 * constraints first (ValidationError), then IAM's own rules (InvalidInput): no `aws:` prefix, and keys
 * unique ignoring case (id_tags.html: IAM tag keys are case-insensitive).
 */
export function tags(params: URLSearchParams): Tag[] {
  const out: Tag[] = [];
  for (let i = 1; params.has(`Tags.member.${i}.Key`); i++) {
    out.push({
      Key: params.get(`Tags.member.${i}.Key`) ?? "",
      Value: params.get(`Tags.member.${i}.Value`) ?? "",
    });
  }
  if (out.length > TAG_LIMITS.perResource) {
    throw validationError(
      "tags",
      `[${out.length} tags]`,
      `Member must have length less than or equal to ${TAG_LIMITS.perResource}`,
    );
  }
  for (const [i, t] of out.entries()) checkTag(t, `tags.${i + 1}.member`);
  const seen = new Set<string>();
  for (const t of out) {
    if (t.Key.toLowerCase().startsWith("aws:")) {
      throw invalidInput(`User-defined tag keys can't start with 'aws:'; it is reserved: ${t.Key}`);
    }
    if (seen.has(t.Key.toLowerCase())) {
      throw invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    }
    seen.add(t.Key.toLowerCase());
  }
  return out;
}

function checkTag(t: Tag, member: string): void {
  if (length(t.Key) < 1 || length(t.Key) > TAG_LIMITS.key) {
    throw validationError(
      `${member}.key`,
      t.Key,
      `Member must have length less than or equal to ${TAG_LIMITS.key}`,
    );
  }
  if (!KEY.test(t.Key)) {
    throw validationError(
      `${member}.key`,
      t.Key,
      "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
    );
  }
  if (length(t.Value) > TAG_LIMITS.value) {
    throw validationError(
      `${member}.value`,
      t.Value,
      `Member must have length less than or equal to ${TAG_LIMITS.value}`,
    );
  }
  if (!VALUE.test(t.Value)) {
    throw validationError(
      `${member}.value`,
      t.Value,
      "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
    );
  }
}

/** Adds tags to a resource's: a key equal ignoring case replaces the old tag; at most 50 in all. */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(existing.map((t) => [t.Key.toLowerCase(), t]));
  for (const t of added) byKey.set(t.Key.toLowerCase(), t);
  if (byKey.size > TAG_LIMITS.perResource) {
    throw limitExceeded(`Cannot exceed quota for TagsPerResource: ${TAG_LIMITS.perResource}`);
  }
  return [...byKey.values()];
}
