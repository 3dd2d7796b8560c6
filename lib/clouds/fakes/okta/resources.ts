/**
 * The resources a resource set may name, in both documented forms: a REST URL or an ORN.
 * https://developer.okta.com/docs/api/openapi/okta-management/guides/roles/#supported-resources
 * https://developer.okta.com/docs/api/openapi/okta-management/guides/roles/#okta-resource-name-orn
 */
export type FakeResource =
  | { kind: "all-users" }
  | { kind: "group-users"; groupId: string }
  | { kind: "all-groups" }
  | { kind: "group"; groupId: string }
  | { kind: "all-apps" }
  | { kind: "app"; appId: string };

const ID = "([A-Za-z0-9]{1,40})";
const REST: [RegExp, (m: RegExpExecArray) => FakeResource][] = [
  [/^\/api\/v1\/users$/, () => ({ kind: "all-users" })],
  [new RegExp(`^/api/v1/groups/${ID}/users$`), (m) => ({ kind: "group-users", groupId: m[1] })],
  [/^\/api\/v1\/groups$/, () => ({ kind: "all-groups" })],
  [new RegExp(`^/api/v1/groups/${ID}$`), (m) => ({ kind: "group", groupId: m[1] })],
  [/^\/api\/v1\/apps$/, () => ({ kind: "all-apps" })],
  [new RegExp(`^/api/v1/apps/${ID}$`), (m) => ({ kind: "app", appId: m[1] })],
];
const ORN: [RegExp, (m: RegExpExecArray) => FakeResource][] = [
  [new RegExp(`^orn:okta:directory:${ID}:users$`), () => ({ kind: "all-users" })],
  [
    new RegExp(`^orn:okta:directory:${ID}:groups:${ID}:contained_resources$`),
    (m) => ({ kind: "group-users", groupId: m[2] }),
  ],
  [new RegExp(`^orn:okta:directory:${ID}:groups$`), () => ({ kind: "all-groups" })],
  [new RegExp(`^orn:okta:directory:${ID}:groups:${ID}$`), (m) => ({ kind: "group", groupId: m[2] })],
  [new RegExp(`^orn:okta:idp:${ID}:apps$`), () => ({ kind: "all-apps" })],
  [new RegExp(`^orn:okta:idp:${ID}:apps:[a-z0-9_]{1,64}:${ID}$`), (m) => ({ kind: "app", appId: m[2] })],
];

/** The resource a string names, or null when it is neither a supported REST URL nor ORN. */
export function parseFakeResource(text: string, orgId: string): FakeResource | null {
  if (text.startsWith("orn:")) {
    for (const [re, make] of ORN) {
      const m = re.exec(text);
      if (m) return m[1] === orgId ? make(m) : null;
    }
    return null;
  }
  if (!URL.canParse(text)) return null;
  const path = new URL(text).pathname;
  for (const [re, make] of REST) {
    const m = re.exec(path);
    if (m) return make(m);
  }
  return null;
}

/** The ORN Okta answers for a resource, whichever form it was given in. */
export function ornOf(r: FakeResource, orgId: string): string {
  switch (r.kind) {
    case "all-users":
      return `orn:okta:directory:${orgId}:users`;
    case "group-users":
      return `orn:okta:directory:${orgId}:groups:${r.groupId}:contained_resources`;
    case "all-groups":
      return `orn:okta:directory:${orgId}:groups`;
    case "group":
      return `orn:okta:directory:${orgId}:groups:${r.groupId}`;
    case "all-apps":
      return `orn:okta:idp:${orgId}:apps`;
    case "app":
      return `orn:okta:idp:${orgId}:apps:oidc_client:${r.appId}`;
  }
}
