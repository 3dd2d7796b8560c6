import type { FakeIamState } from "./state";
import type { XmlNode } from "./xml";

/** What an action handler sees: the account, the clock, and the fake's knobs. */
export type FakeCtx = {
  state: FakeIamState;
  now: number;
  /** Known principal ARNs; trust policies naming others fail like IAM's. Null accepts any. */
  principals: Set<string> | null;
  /** Delay before a newly created role or policy is visible to reads (IAM is eventually consistent). */
  propagationMs: number;
};

export type Handler = (params: URLSearchParams, ctx: FakeCtx) => XmlNode | null;

export const visible = (ctx: FakeCtx, entity: { visibleAt: number }) => ctx.now >= entity.visibleAt;
