"use server";

import { redirect } from "next/navigation";
import { requireSessionCtx } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { decideDeviceAuthorization } from "@/lib/tokens/device";

/** Approve or deny a CLI's device sign-in as the signed-in person; the answer comes back in the address. */
export async function decideDeviceAction(form: FormData): Promise<void> {
  const ctx = await requireSessionCtx();
  const userCode = String(form.get("userCode") ?? "");
  const verdict = form.get("verdict") === "approve" ? "approve" : "deny";
  let query: string;
  try {
    const out = await decideDeviceAuthorization({ ctx, input: { userCode, verdict } });
    query = `done=${out.status}`;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    query = `code=${encodeURIComponent(userCode)}&error=${encodeURIComponent(err.message)}`;
  }
  redirect(`/device?${query}`);
}
