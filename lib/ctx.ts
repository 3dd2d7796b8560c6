import type { Db } from "@/db/client";
import type { AppRole } from "@/db/schema";
import type { Permission } from "./auth/permissions";
import { Forbidden } from "./errors";
import type { WorkflowDriver } from "./workflows/port";

/** Who is acting. People act through the web, API tokens or Slack; jobs act as the system. */
export type Actor =
  | {
      type: "user" | "token" | "slack";
      userId: string;
      email: string;
      name: string | null;
      roles: AppRole[];
      groups: string[];
      permissions: Set<Permission>;
      tokenId?: string;
      /** The portal session's token hash (web only): step-up reads when that sign-in happened. */
      sessionHash?: string;
    }
  | { type: "system"; job: string };

export type Ctx = {
  actor: Actor;
  orgId: string;
  db: Db;
  /** Where verbs hand work after their transaction commits (inline timers or Inngest). */
  workflows: WorkflowDriver;
};

export type PersonActor = Extract<Actor, { userId: string }>;

export function isPerson(actor: Actor): actor is PersonActor {
  return actor.type !== "system";
}

/** The system may do anything a job needs; people need the permission. */
export function assertPermission(ctx: Ctx, permission: Permission): void {
  if (ctx.actor.type === "system") return;
  if (!ctx.actor.permissions.has(permission)) throw Forbidden(`Missing permission ${permission}`);
}

export function hasPermission(ctx: Ctx, permission: Permission): boolean {
  return ctx.actor.type === "system" || ctx.actor.permissions.has(permission);
}

export function actorRef(actor: Actor): { actorType: string; actorId: string } {
  return actor.type === "system"
    ? { actorType: "system", actorId: actor.job }
    : { actorType: actor.type, actorId: actor.userId };
}

export function requirePerson(ctx: Ctx): PersonActor {
  if (!isPerson(ctx.actor)) throw Forbidden("This action needs a person");
  return ctx.actor;
}
