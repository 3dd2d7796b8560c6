import { z } from "zod";
import { FreezeInput } from "@/lib/freeze/freeze";
import { ListGrantsInput, RevokeGrantInput } from "@/lib/grants/schemas";
import { DecideInput, ListRequestsInput, SubmitInput } from "@/lib/requests/schemas";

/**
 * Shapes of the public API, derived from the verbs' own schemas so the API, the verbs and the OpenAPI
 * document cannot drift. Ids come from the path, so bodies omit them.
 */
export const IdParams = z.object({ id: z.guid() });

export const SubmitBody = SubmitInput;
export const DecisionBody = DecideInput.omit({ requestId: true, channel: true });
export const RevokeBody = RevokeGrantInput.omit({ grantId: true });

const Scope = z.enum(["mine", "all"]).default("mine");
export const RequestsQuery = ListRequestsInput.extend({ scope: Scope });
export const GrantsQuery = ListGrantsInput.extend({ scope: Scope });

/** POST /users/{id}/freeze: why (audited). */
export const FreezeBody = FreezeInput.omit({ userId: true });
