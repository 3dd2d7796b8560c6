import type { Db } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { provisionGrant } from "@/lib/grants/provision";
import { decideRequest } from "@/lib/requests/decide";
import type { SubmitInput } from "@/lib/requests/schemas";
import { submitRequest } from "@/lib/requests/submit";
import { systemCtx, userCtx } from "./ctx";

type Person = "requester" | "approver" | "approver2" | "admin";

/**
 * An active grant made through the product's verbs: `who` submits, an approver who is not them approves,
 * the system provisions it in the sandbox cloud.
 */
export async function activeGrantFor(
  db: Db,
  org: SeededOrg,
  who: Person,
  input: Partial<SubmitInput> & Pick<SubmitInput, "targetId">,
) {
  const request = await submitRequest({
    ctx: await userCtx(db, org.users[who]),
    input: {
      durationMinutes: 60,
      justification: "Usage fixture",
      ticketUrl: "https://tickets.example/USAGE-1",
      ...input,
    },
  });
  const approver = who === "approver" ? org.users.approver2 : org.users.approver;
  const decided = await decideRequest({
    ctx: await userCtx(db, approver),
    input: { requestId: request.id, verdict: "approve" },
  });
  const grantId = decided.grants[0].id;
  await provisionGrant({ ctx: systemCtx(db, org.org.id), input: { grantId } });
  return { requestId: request.id, grantId };
}
