import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  /** Our session callback adds the user's id (a uuid), which getSessionCtx loads the actor by. */
  interface Session {
    user: DefaultSession["user"] & { id: string };
  }
}
