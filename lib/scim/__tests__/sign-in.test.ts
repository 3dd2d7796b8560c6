import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, users } from "@/db/schema";
import { elevateAdapter } from "@/lib/auth/adapter";
import { groupsOf } from "@/lib/policies/judge";
import { systemCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { createScimGroup } from "../groups";
import { createScimUser } from "../users";

// A person the directory provisioned signs in for the first time through OIDC (next-auth's adapter calls,
// in next-auth 4's order: getUserByEmail, then createUser): the provisioned account is linked, not refused.
let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

describe("first sign-in of a directory-provisioned person", () => {
  it("links the provisioned account to the IdP subject and keeps directory-managed memberships", async () => {
    const org = await createTestOrg(h.db);
    const call = {
      ctx: systemCtx(h.db, org.org.id, undefined, "directory"),
      base: "https://e.example/scim/v2",
    };
    const made = (await createScimUser(call, { userName: "new.person@acme.example", active: true })) as {
      id: string;
    };
    await createScimGroup(call, { displayName: "dba", members: [{ value: made.id }] });
    const subject = `https://idp.example|${randomUUID()}`; // subjects are unique across runs on Postgres
    const adapter = elevateAdapter({ db: async () => h.db, orgSlug: () => org.org.slug });

    expect(await adapter.getUserByEmail("new.person@acme.example")).toBeNull();
    const signedIn = await adapter.createUser({
      email: "New.Person@acme.example",
      name: "New Person",
      emailVerified: null,
      subject,
      groups: ["engineering"],
    });
    expect(signedIn.id).toBe(made.id);
    const [row] = await h.db.select().from(users).where(eq(users.id, made.id));
    expect(row.subject).toBe(subject);
    // The claim adds engineering; dba is the directory's and stays although the claim does not name it.
    expect(await groupsOf(h.db, org.org.id, made.id)).toEqual(["dba", "engineering"]);
    const linked = await h.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, made.id), eq(auditEvents.action, "user.linked")));
    expect(linked).toHaveLength(1);
    // Linked now: the account is found by email like any other, and a second createUser makes a new row
    // only for a genuinely new email.
    expect((await adapter.getUserByEmail("new.person@acme.example"))?.id).toBe(made.id);
    expect((await adapter.getUserByEmail(org.users.requester.email))?.id).toBe(org.users.requester.id);
  });
});
