"use server";

import { redirect } from "next/navigation";
import { requireSessionCtx } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { freezePerson } from "@/lib/freeze";

/** Freeze one person from the users page; the outcome comes back in the address for the page to show. */
export async function freezePersonAction(form: FormData): Promise<void> {
  const ctx = await requireSessionCtx("users.manage");
  let query: string;
  try {
    const out = await freezePerson({
      ctx,
      input: { userId: String(form.get("userId") ?? ""), reason: String(form.get("reason") ?? "") },
    });
    const problems = out.problems.length ? ` Problems: ${out.problems.join("; ")}` : "";
    query = `notice=${encodeURIComponent(
      `Frozen: ${out.revoked.length} grant(s) revoked, ${out.denies.length} GCP deny polic(ies), ${out.cancelledRequestIds.length} pending request(s) cancelled.${problems}`,
    )}`;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    query = `notice=${encodeURIComponent(`Not frozen: ${err.message}`)}`;
  }
  redirect(`/admin/users?${query}`);
}
