import { randomBytes, randomUUID } from "node:crypto";

/** Any stored object: what the fake keeps is what the client sent, plus the metadata the server sets. */
export type KObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    creationTimestamp?: string;
  };
  [k: string]: unknown;
};

/** Who a bearer token authenticates as (https://kubernetes.io/docs/reference/access-authn-authz/authentication/). */
export type Identity = {
  user: string;
  groups: string[];
  /** TokenRequest tokens: when they expire, and the ServiceAccount they are bound to (uid). */
  expiresAt?: Date;
  boundTo?: { namespace: string; name: string; uid: string };
};

/** Where an object lives: API group ("" = core), resource (plural), namespace (null = cluster-scoped). */
export type Place = { group: string; resource: string; namespace: string | null };

const key = (p: Place, name: string) => `${p.group}/${p.resource}/${p.namespace ?? ""}/${name}`;

/** The fake API server's storage, tokens and clock (tests move the clock to pass a token's expiry). */
export class FakeKubernetesState {
  private objects = new Map<string, { place: Place; obj: KObject }>();
  private tokens = new Map<string, Identity>();
  private version = 1;
  /** Offset added to the real clock: tests jump past expiries without waiting. */
  clockOffsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  get(p: Place, name: string): KObject | undefined {
    return this.objects.get(key(p, name))?.obj;
  }

  /** Stores a new object; false when one of that name exists (the caller answers 409 AlreadyExists). */
  create(p: Place, obj: KObject): KObject | false {
    const k = key(p, obj.metadata.name);
    if (this.objects.has(k)) return false;
    const stored: KObject = {
      ...structuredClone(obj),
      metadata: {
        ...structuredClone(obj.metadata),
        ...(p.namespace ? { namespace: p.namespace } : {}),
        uid: randomUUID(),
        resourceVersion: String(this.version++),
        creationTimestamp: this.now().toISOString(),
      },
    };
    this.objects.set(k, { place: p, obj: stored });
    return stored;
  }

  replace(p: Place, obj: KObject): KObject {
    const old = this.get(p, obj.metadata.name);
    const stored = {
      ...structuredClone(obj),
      metadata: {
        ...obj.metadata,
        uid: old?.metadata.uid ?? randomUUID(),
        resourceVersion: String(this.version++),
      },
    };
    this.objects.set(key(p, obj.metadata.name), { place: p, obj: stored });
    return stored;
  }

  delete(p: Place, name: string): KObject | undefined {
    const k = key(p, name);
    const hit = this.objects.get(k);
    this.objects.delete(k);
    return hit?.obj;
  }

  /** Objects of a resource in one namespace, or in all of them (`namespace` null on a namespaced resource). */
  list(group: string, resource: string, namespace: string | null): KObject[] {
    return [...this.objects.values()]
      .filter(
        (o) =>
          o.place.group === group &&
          o.place.resource === resource &&
          (namespace === null || o.place.namespace === namespace),
      )
      .map((o) => o.obj);
  }

  /** A token for a fixed identity (Elevate's own credential, or a person's in user-subject tests). */
  addToken(identity: Identity, token = randomBytes(24).toString("base64url")): string {
    this.tokens.set(token, identity);
    return token;
  }

  /**
   * Who the token is, now: unknown, expired, or bound to a ServiceAccount that was deleted (or re-created
   * with a new uid) authenticate as nobody. https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#bound-service-account-token-volume
   */
  authenticate(token: string): Identity | undefined {
    const id = this.tokens.get(token);
    if (!id) return undefined;
    if (id.expiresAt && this.now().getTime() >= id.expiresAt.getTime()) return undefined;
    if (id.boundTo) {
      const sa = this.get(
        { group: "", resource: "serviceaccounts", namespace: id.boundTo.namespace },
        id.boundTo.name,
      );
      if (!sa || sa.metadata.uid !== id.boundTo.uid) return undefined;
    }
    return id;
  }
}
