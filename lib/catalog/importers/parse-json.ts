import type { z } from "zod";
import { Validation } from "@/lib/errors";

/** Parses JSON text and checks its shape; errors name the offending path inside the file. */
export function parseJsonAs<T>(schema: z.ZodType<T>, content: string, what: string): T {
  return checkShape(schema, parseJson(content, what), what);
}

export function parseJson(content: string, what: string): unknown {
  try {
    return JSON.parse(content);
  } catch (e) {
    throw Validation("content", `not valid JSON for ${what}: ${(e as Error).message}`);
  }
}

export function checkShape<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length
      ? issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")
      : "";
    throw Validation("content", `not a ${what} export: content${where}: ${issue?.message ?? "invalid"}`);
  }
  return r.data;
}
