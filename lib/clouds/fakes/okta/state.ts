import { randomBytes } from "node:crypto";
import type { FakeResource } from "./resources";

export type FakeUser = { id: string; login: string; status: "ACTIVE" | "LOCKED_OUT" };
export type FakeGroup = { id: string; name: string; members: Set<string> };
export type FakeApp = { id: string; label: string };
export type FakeRole = {
  id: string;
  label: string;
  description: string;
  permissions: string[];
  created: string;
};
export type FakeResourceSet = {
  id: string;
  label: string;
  description: string;
  resources: { id: string; text: string; parsed: FakeResource }[];
  created: string;
};
export type FakeAssignment = {
  id: string;
  userId: string;
  roleId: string;
  resourceSetId: string;
  created: string;
};

/** Okta ids: a three-letter prefix and random base62-ish characters (00u… users, cr0… roles, iam… sets). */
export function oktaId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString("hex").slice(0, 17)}`;
}

/** What the fake Okta org holds; tests seed the directory and read the rest back. */
export class FakeOktaState {
  readonly orgId = oktaId("00o");
  /** The server's origin, for `_links` and `Link` headers (set when the server listens). */
  baseUrl = "";
  users = new Map<string, FakeUser>();
  groups = new Map<string, FakeGroup>();
  apps = new Map<string, FakeApp>();
  roles = new Map<string, FakeRole>();
  resourceSets = new Map<string, FakeResourceSet>();
  assignments = new Map<string, FakeAssignment>();
  /** Items per page of every list (Okta's default is larger; small here so tests page). */
  pageSize = 3;
  /** Requests per window per bucket before 429 E0000047. */
  rateLimit = 600;
  rateWindowMs = 60_000;
  private buckets = new Map<string, { used: number; resetAt: number }>();

  addUser(login: string, status: FakeUser["status"] = "ACTIVE"): FakeUser {
    const user = { id: oktaId("00u"), login, status };
    this.users.set(user.id, user);
    return user;
  }

  addGroup(name: string, members: FakeUser[] = []): FakeGroup {
    const group = { id: oktaId("00g"), name, members: new Set(members.map((m) => m.id)) };
    this.groups.set(group.id, group);
    return group;
  }

  addApp(label: string): FakeApp {
    const app = { id: oktaId("0oa"), label };
    this.apps.set(app.id, app);
    return app;
  }

  userByIdOrLogin(idOrLogin: string): FakeUser | undefined {
    return this.users.get(idOrLogin) ?? [...this.users.values()].find((u) => u.login === idOrLogin);
  }

  roleByIdOrLabel(key: string): FakeRole | undefined {
    return this.roles.get(key) ?? [...this.roles.values()].find((r) => r.label === key);
  }

  resourceSetByIdOrLabel(key: string): FakeResourceSet | undefined {
    return this.resourceSets.get(key) ?? [...this.resourceSets.values()].find((r) => r.label === key);
  }

  /** Starts every rate-limit window afresh (tests). */
  resetRateLimits(): void {
    this.buckets.clear();
  }

  /** One request against a bucket: the documented X-Rate-Limit-* headers, and whether it is over. */
  take(bucket: string, now = Date.now()): { over: boolean; headers: Record<string, string> } {
    let b = this.buckets.get(bucket);
    if (!b || now >= b.resetAt) {
      b = { used: 0, resetAt: now + this.rateWindowMs };
      this.buckets.set(bucket, b);
    }
    b.used += 1;
    const over = b.used > this.rateLimit;
    return {
      over,
      headers: {
        "x-rate-limit-limit": String(this.rateLimit),
        "x-rate-limit-remaining": String(Math.max(0, this.rateLimit - b.used)),
        "x-rate-limit-reset": String(Math.ceil(b.resetAt / 1000)),
      },
    };
  }
}
