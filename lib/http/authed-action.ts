import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { getSessionCtx } from "@/lib/auth/session";
import type { Ctx } from "@/lib/ctx";
import { parseInput, Unauthorized } from "@/lib/errors";
import { type ErrorBody, mapError } from "./error-response";

/** The mapper's error, as a form shows it (`field` names the input to mark). */
export type ActionError = ErrorBody;
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };
/** What a form action holds under useActionState: nothing yet, or its last result. */
export type ActionState<T> = ActionResult<T> | null;
/** A server action bound to a form (useActionState): the previous state and the form's fields. */
export type FormAction<T> = (prev: ActionState<T>, form: FormData) => Promise<ActionState<T>>;

/** A form's fields as an object; a repeated field becomes an array. Files are not accepted here. */
export function formDataToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key).filter((v): v is string => typeof v === "string");
    out[key] = values.length > 1 ? values : values[0];
  }
  return out;
}

/**
 * The core of authedAction, given how to resolve the session: validate, run, map errors. Expected
 * errors (AppError) keep their message; anything else is logged with an id and answered generically.
 */
export async function runAction<S extends z.ZodType, T>(
  resolveCtx: () => Promise<Ctx | null>,
  schema: S,
  fn: (ctx: Ctx, input: z.output<S>) => Promise<T>,
  raw: unknown,
): Promise<ActionResult<T>> {
  let ctx: Ctx | null = null;
  try {
    ctx = await resolveCtx();
    if (!ctx) throw Unauthorized();
    const input = parseInput<z.output<S>>(schema, raw instanceof FormData ? formDataToObject(raw) : raw);
    return { ok: true, data: await fn(ctx, input) };
  } catch (err) {
    unstable_rethrow(err); // redirect() and notFound() are control flow, not failures
    return { ok: false, error: mapError(err, { what: "server action failed", ctx }).error };
  }
}

/**
 * Wraps a server action: resolves the session into ctx, parses the input (an object or FormData) with
 * `schema`, calls `fn(ctx, input)`. Next already refuses cross-origin server-action posts.
 */
export function authedAction<S extends z.ZodType, T>(
  schema: S,
  fn: (ctx: Ctx, input: z.output<S>) => Promise<T>,
) {
  return async (input: z.input<S> | FormData): Promise<ActionResult<T>> =>
    runAction(getSessionCtx, schema, fn, input);
}
