import type { Db } from "@/db/client";
import { loadUserActor } from "@/lib/auth/actor";
import type { Ctx } from "@/lib/ctx";
import { recordingDriver, type WorkflowDriver } from "@/lib/workflows/port";

export type RecordingDriver = ReturnType<typeof recordingDriver>;
type UserLike = { id: string };

/** A Ctx whose `workflows` keeps its precise type, so tests can read `ctx.workflows.events`. */
export type TestCtx<W extends WorkflowDriver = RecordingDriver> = Ctx & { workflows: W };

// The default driver is a RecordingDriver; TypeScript cannot tie a default value to a generic parameter.
function defaultDriver<W extends WorkflowDriver>(workflows: W | undefined): W {
  return workflows ?? (recordingDriver() as unknown as W);
}

async function personCtx<W extends WorkflowDriver>(
  db: Db,
  user: UserLike,
  via: "user" | "token" | "slack",
  workflows: W | undefined,
  extra: { tokenId?: string } = {},
): Promise<TestCtx<W>> {
  const loaded = await loadUserActor(db, user.id, via);
  if (!loaded) throw new Error(`test user ${user.id} is missing or disabled`);
  return {
    actor: { ...loaded.actor, ...extra },
    orgId: loaded.orgId,
    db,
    workflows: defaultDriver(workflows),
  };
}

/** The user acting through the web, with roles and groups read from the database now. */
export function userCtx<W extends WorkflowDriver = RecordingDriver>(db: Db, user: UserLike, workflows?: W) {
  return personCtx(db, user, "user", workflows);
}

/** The user acting through an API token (the token row itself is not needed by verbs). */
export function tokenCtx<W extends WorkflowDriver = RecordingDriver>(
  db: Db,
  user: UserLike,
  workflows?: W,
  tokenId?: string,
) {
  return personCtx(db, user, "token", workflows, tokenId ? { tokenId } : {});
}

/** The user acting through Slack. */
export function slackCtx<W extends WorkflowDriver = RecordingDriver>(db: Db, user: UserLike, workflows?: W) {
  return personCtx(db, user, "slack", workflows);
}

/** A background job acting for the org. */
export function systemCtx<W extends WorkflowDriver = RecordingDriver>(
  db: Db,
  orgId: string,
  workflows?: W,
  job = "test",
): TestCtx<W> {
  return { actor: { type: "system", job }, orgId, db, workflows: defaultDriver(workflows) };
}
