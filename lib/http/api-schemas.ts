import { z } from "zod";
import { FreezeInput } from "@/lib/freeze/freeze";
import { ListGrantsInput, RevokeGrantInput } from "@/lib/grants/schemas";
import { SimulateInput } from "@/lib/policies/simulate";
import { DecidePolicyInput, ListPoliciesInput, ProposePolicyInput } from "@/lib/policies/versions";
import { ReviewBreakGlassInput } from "@/lib/requests/break-glass";
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

// Policies: `{id}` is a policy id, or `active`.
export const PolicyParams = z.object({ id: z.union([z.guid(), z.literal("active")]) });
export const PoliciesQuery = ListPoliciesInput;
export const ProposePolicyBody = ProposePolicyInput;
export const DecidePolicyBody = DecidePolicyInput.omit({ policyId: true });
export const SimulateBody = SimulateInput;
export const ReviewBody = ReviewBreakGlassInput.omit({ requestId: true });
/** POST /users/{id}/freeze: why (audited). */
export const FreezeBody = FreezeInput.omit({ userId: true });
