import type { GrantEntries } from "./grants-marker";

/** One Azure assignment (direct or PIM) and the Elevate grants it serves. */
export type SharedAssignment = {
  /** The ARM scope it is made at, as Azure reports it: the subscription or below. */
  scope: string;
  roleGuid: string;
  principal: string;
  grants: GrantEntries;
  /** Direct: the assignment exists. PIM: the schedule is provisioned and not past its end. */
  active: boolean;
  raw: Record<string, unknown>;
};

export type Triple = { scope: string; roleGuid: string; roleDefinitionId: string; principal: string };

/** How grants are kept on one cloud mode: add/remove a grant's entry on the shared assignment. */
export interface GrantStore {
  /** Elevate's assignments at `scope` or anywhere below it. */
  list(scope: string): Promise<SharedAssignment[]>;
  add(t: Triple, grantId: string, notAfter: Date): Promise<void>;
  remove(t: Triple, current: SharedAssignment, grantId: string): Promise<void>;
}
