import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GcpBinding, GcpResource } from "./gcp-eval";
import { checkGcpCondition, evaluateGcp, extractTemplate, MAX_CONDITION_CHARS } from "./gcp-eval";

const OVERVIEW = "https://cloud.google.com/iam/docs/conditions-overview";
const ATTRS = "https://cloud.google.com/iam/docs/conditions-attribute-reference";
const RES_ATTRS = "https://cloud.google.com/iam/docs/conditions-resource-attributes";
const QUOTAS = "https://cloud.google.com/iam/quotas";

const GET = "storage.objects.get";
const bind = (expression: string | null, perms = [GET], members = ["user:ana@example.com"]): GcpBinding => ({
  role: { includedPermissions: perms },
  members,
  condition: expression === null ? null : { title: "t", expression },
});
const object = (bucket: string, obj: string): GcpResource => ({
  type: "storage.googleapis.com/Object",
  name: `projects/_/buckets/${bucket}/objects/${obj}`,
  service: "storage.googleapis.com",
});
const bucket = (b: string): GcpResource => ({
  type: "storage.googleapis.com/Bucket",
  name: `projects/_/buckets/${b}`,
  service: "storage.googleapis.com",
});
const NOW = new Date("2024-03-01T12:00:00Z");
const decide = (expression: string | null, resource: GcpResource, time = NOW, permission = GET) =>
  evaluateGcp([bind(expression)], { permission, resource, time, member: "user:ana@example.com" }).decision;

describe(`time conditions (${OVERVIEW}, ${ATTRS}#date-time)`, () => {
  const expiry = "request.time < timestamp('2021-01-01T00:00:00Z')";
  it("allows before the expiry and denies at and after it", () => {
    const r = object("b", "o");
    expect(decide(expiry, r, new Date("2020-12-31T23:59:59.999Z"))).toBe("allow");
    expect(decide(expiry, r, new Date("2021-01-01T00:00:00Z"))).toBe("deny");
    expect(decide(expiry, r, new Date("2022-06-01T00:00:00Z"))).toBe("deny");
  });
  it("adds durations, reads Berlin working hours, and converts date()", () => {
    const r = object("b", "o");
    const window = "request.time < timestamp('2024-04-12T14:30:00.00Z') + duration('1800s')";
    expect(decide(window, r, new Date("2024-04-12T14:59:00Z"))).toBe("allow");
    expect(decide(window, r, new Date("2024-04-12T15:01:00Z"))).toBe("deny");
    const hours = `request.time.getDayOfWeek("Europe/Berlin") >= 1 && request.time.getDayOfWeek("Europe/Berlin") <= 5 &&
      request.time.getHours("Europe/Berlin") >= 9 && request.time.getHours("Europe/Berlin") <= 17`;
    expect(decide(hours, r, new Date("2024-01-08T08:30:00Z"))).toBe("allow"); // Monday 09:30 in Berlin
    expect(decide(hours, r, new Date("2024-01-08T07:30:00Z"))).toBe("deny"); // Monday 08:30 in Berlin
    expect(decide(hours, r, new Date("2024-01-13T10:00:00Z"))).toBe("deny"); // Saturday
    expect(decide("request.time >= date('2023-02-01')", r, new Date("2023-02-01T00:00:00Z"))).toBe("allow");
    expect(decide("request.time >= date('2023-02-01')", r, new Date("2023-01-31T23:59:59Z"))).toBe("deny");
  });
});

describe(`resource.name (${ATTRS}#resource-name, ${RES_ATTRS}#resource-name)`, () => {
  const inBucket = "resource.name.startsWith('projects/_/buckets/orders-reports/objects/')";
  it("startsWith allows objects in the bucket and denies a bucket whose name merely shares the prefix", () => {
    expect(decide(inBucket, object("orders-reports", "2024/a.csv"))).toBe("allow");
    expect(decide(inBucket, object("orders-reports-archive", "2024/a.csv"))).toBe("deny");
    expect(decide(inBucket, bucket("orders-reports"))).toBe("deny"); // the bucket itself has no /objects/
  });

  it("a guard on one type lets every OTHER type through: it must name each type it governs", () => {
    const bucketOnly =
      "(resource.type != 'storage.googleapis.com/Bucket' || resource.name == 'projects/_/buckets/orders-reports')";
    expect(decide(bucketOnly, bucket("orders-reports"))).toBe("allow");
    expect(decide(bucketOnly, bucket("payroll"))).toBe("deny");
    // An object in ANY bucket passes, because its type is not Bucket: the guard unlocked objects.
    expect(decide(bucketOnly, object("orders-reports-archive", "x.csv"))).toBe("allow");
    expect(decide(bucketOnly, object("payroll", "salaries.csv"))).toBe("allow");
    // The attribute reference's shape guards both types, so other buckets' objects stay closed.
    const both = `(resource.type != 'storage.googleapis.com/Bucket' && resource.type != 'storage.googleapis.com/Object') ||
      resource.name.startsWith('projects/_/buckets/orders-reports/')`;
    expect(decide(both, object("orders-reports", "x.csv"))).toBe("allow");
    expect(decide(both, object("payroll", "salaries.csv"))).toBe("deny");
    expect(
      decide(both, { type: "compute.googleapis.com/Instance", name: "projects/p/zones/z/instances/i" }),
    ).toBe("allow");
  });

  it("secret versions match a secret's prefix; a version is matched literally, not resolved", () => {
    const sv = (s: string, v: string): GcpResource => ({
      type: "secretmanager.googleapis.com/SecretVersion",
      name: `projects/123/secrets/${s}/versions/${v}`,
      service: "secretmanager.googleapis.com",
    });
    const perm = "secretmanager.versions.access";
    const d = (expr: string, r: GcpResource) =>
      evaluateGcp([bind(expr, [perm])], { permission: perm, resource: r, time: NOW }).decision;
    expect(d("resource.name.startsWith('projects/123/secrets/S/')", sv("S", "3"))).toBe("allow");
    expect(d("resource.name.startsWith('projects/123/secrets/S/')", sv("S2", "3"))).toBe("deny");
    // Footnote 6: a condition naming `latest` is not satisfied by a request for version 3.
    expect(d("resource.name == 'projects/123/secrets/S/versions/latest'", sv("S", "3"))).toBe("deny");
  });

  it("extract() follows the documented template table", () => {
    const n =
      "projects/_/buckets/acme-orders-aaa/objects/data_lake/orders/order_date=2019-11-03/aef87g87ae0876";
    expect(extractTemplate(n, "/order_date={date}/")).toBe("2019-11-03");
    expect(extractTemplate(n, "buckets/{name}/")).toBe("acme-orders-aaa");
    expect(extractTemplate(n, "/orders/{empty}order_date")).toBe("");
    expect(extractTemplate(n, "{start}/objects/data_lake")).toBe("projects/_/buckets/acme-orders-aaa");
    expect(extractTemplate(n, "orders/{end}")).toBe("order_date=2019-11-03/aef87g87ae0876");
    expect(extractTemplate(n, "{all}")).toBe(n);
    expect(extractTemplate(n, "/orders/{none}/order_date=")).toBe("");
    expect(extractTemplate(n, "/orders/order_date=2019-11-03/{id}/data_lake")).toBe("");
    expect(
      decide("resource.name.extract('/buckets/{name}/') == 'orders-reports'", object("orders-reports", "a")),
    ).toBe("allow");
    expect(
      decide("resource.name.extract('/buckets/{name}/') == 'orders-reports'", object("orders", "a")),
    ).toBe("deny");
  });
});

describe("what denies", () => {
  it("a missing permission, a case-different permission, or another member", () => {
    expect(decide(null, object("b", "o"), NOW, "storage.objects.delete")).toBe("deny");
    expect(decide(null, object("b", "o"), NOW, "storage.objects.GET")).toBe("deny");
    const r = evaluateGcp([bind(null)], {
      permission: GET,
      resource: object("b", "o"),
      time: NOW,
      member: "user:eve@x.com",
    });
    expect(r).toMatchObject({ decision: "deny", reason: expect.stringContaining("not one of its members") });
    expect(
      evaluateGcp([bind(null)], { permission: GET, resource: object("b", "o"), time: NOW }).decision,
    ).toBe("allow");
  });

  it(`condition errors deny and say so; an absent attribute never grants (${ATTRS}#inherited-support)`, () => {
    const noService: GcpResource = {
      type: "storage.googleapis.com/Object",
      name: "projects/_/buckets/b/objects/o",
    };
    const r = evaluateGcp([bind("resource.service == 'storage.googleapis.com'")], {
      permission: GET,
      resource: noService,
      time: NOW,
    });
    expect(r).toMatchObject({ decision: "deny", reason: expect.stringContaining("does not apply") });
    expect(decide("!(resource.service == 'x')", noService)).toBe("deny");
    expect(
      decide("resource.service == 'x' || resource.type == 'storage.googleapis.com/Object'", noService),
    ).toBe("allow");
    expect(decide("request.time < timestamp('not a time')", object("b", "o"))).toBe("deny"); // "never allow access"
    expect(decide("resource.name.matches('.*')", object("b", "o"))).toBe("deny"); // refused by the check
  });

  it(`a failing conditional binding does not take away another binding's grant (${OVERVIEW})`, () => {
    const r = evaluateGcp([bind("false"), bind(null)], {
      permission: GET,
      resource: object("b", "o"),
      time: NOW,
    });
    expect(r.decision).toBe("allow");
  });
});

describe("checkGcpCondition", () => {
  it.each([
    "request.time < timestamp('2021-01-01T00:00:00Z')",
    "resource.type == 'compute.googleapis.com/Instance'",
    "resource.service == 'storage.googleapis.com'",
    "resource.type == 'storage.googleapis.com/Object' &&\n resource.name.startsWith('projects/_/buckets/exampleco-site-assets/')",
    'resource.name.endsWith(".jpg")',
    "resource.type in ['compute.googleapis.com/Image', 'compute.googleapis.com/Disk']",
    'request.time.getFullYear("America/Los_Angeles") == 2023 && request.time.getMonth() < 6',
    "timestamp('2024-04-12T14:30:00.00Z') - duration('5184000s') < request.time",
  ])("accepts %s", (e) => expect(checkGcpCondition(e)).toBeNull());

  it.each([
    ["resource.name.startsWith('x'", /syntax error/],
    ["", /syntax error/],
    ["foo == 'x'", /undeclared reference to 'foo'/],
    ["resource.labels == 'x'", /undeclared reference to 'resource.labels'/],
    ["resource.name", /type string, not bool/],
    ["request.time < 5", /no overload/],
    ["resource.type == 1", /no overload/],
    ["resource.name.matches('^projects/')", /not in IAM's documented/],
    ["resource.name.contains('x')", /not in IAM's documented/],
    ["has(resource.name)", /has\(\)/],
    ["['a'].all(x, x == 'a')", /macros/],
    ["resource.name.extract('no-braces') == ''", /exactly one \{identifier\}/],
    [`resource.name == '${"x".repeat(MAX_CONDITION_CHARS)}'`, /over 12800/],
    [Array.from({ length: 14 }, (_, i) => `resource.name == '${i}'`).join(" || "), /13 logical operators/],
  ])("refuses %s", (e, why) => expect(checkGcpCondition(e)).toMatch(why));

  it(`accepts exactly 12 logical operators (${QUOTAS})`, () => {
    expect(
      checkGcpCondition(Array.from({ length: 13 }, (_, i) => `resource.name == '${i}'`).join(" || ")),
    ).toBeNull();
  });
});

describe("properties (fixed seeds)", () => {
  const leaf = fc.oneof(
    fc
      .constantFrom("a", "orders-reports", "orders-reports-archive")
      .map((b) => `resource.name.startsWith('projects/_/buckets/${b}/')`),
    fc.constantFrom("Object", "Bucket").map((t) => `resource.type != 'storage.googleapis.com/${t}'`),
    fc
      .date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true })
      .map((d) => `request.time > timestamp('${d.toISOString()}')`),
    fc.constantFrom("true", "false", "resource.service == 'storage.googleapis.com'"),
  );
  const condition = fc
    .array(fc.tuple(fc.boolean(), fc.constantFrom("&&", "||"), leaf), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.map(([neg, op, l], i) => `${i ? ` ${op} ` : ""}${neg ? "!" : ""}(${l})`).join(""));
  const resource = fc.constantFrom(
    object("orders-reports", "a.csv"),
    object("a", "b"),
    bucket("orders-reports-archive"),
    {
      type: "storage.googleapis.com/Object",
      name: "projects/_/buckets/a/objects/no-service",
    },
  );
  const T = fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true });

  it("adding `&& request.time < T` never allows at or after T, and changes nothing before T", () => {
    fc.assert(
      fc.property(condition, resource, T, fc.integer({ min: 0, max: 10 ** 10 }), (base, r, t, ms) => {
        const bounded = `(${base}) && request.time < timestamp('${t.toISOString()}')`;
        expect(checkGcpCondition(bounded)).toBeNull();
        expect(decide(bounded, r, new Date(t.getTime() + ms))).toBe("deny");
        const before = new Date(t.getTime() - 1 - ms);
        expect(decide(bounded, r, before)).toBe(decide(base, r, before));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("`resource.type != X || P` allows every resource whose type is not X, whatever P is", () => {
    fc.assert(
      fc.property(condition, resource, (p, r) => {
        fc.pre(r.type !== "storage.googleapis.com/Bucket");
        expect(decide(`resource.type != 'storage.googleapis.com/Bucket' || (${p})`, r)).toBe("allow");
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
