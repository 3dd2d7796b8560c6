import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { counts } from "@/lib/requests/__tests__/helpers";
import { apiTokenFor, callApi, setupApiDatabase } from "@/lib/testing/api";
import { createTestOrg } from "@/lib/testing/db";
import { GET as searchCatalog } from "../catalog/route";
import { POST as decide } from "../requests/[id]/decision/route";
import { GET as listRequests, POST as submit } from "../requests/route";
import { POST as createTemplate } from "../templates/route";

const apiDb = setupApiDatabase();
let db: Db;
beforeAll(() => {
  db = apiDb();
});

async function setup() {
  const org = await createTestOrg(db);
  const tokens = {
    requester: await apiTokenFor(db, org, "requester"),
    approver: await apiTokenFor(db, org, "approver"),
    admin: await apiTokenFor(db, org, "admin"),
  };
  const submitBody = {
    targetId: org.targets.aws.id,
    templateId: org.template("vm.ssh").id,
    durationMinutes: 30,
    justification: "investigate INC-42",
  };
  return { org, tokens, submitBody };
}

// JSON escapes ("\u0000", "\ud800") arrive as the raw characters once the body is parsed.
describe.each([
  ["NUL", "\u0000"],
  ["lone surrogate", "\ud800"],
])("the API refuses a %s with 400 naming the field", (_kind, char) => {
  it("in a JSON body (justification, comment, template name), writing nothing", async () => {
    const { org, tokens, submitBody } = await setup();
    const before = await counts(db, org.org.id);
    const made = await callApi(submit, "POST", "/requests", {
      token: tokens.requester,
      body: { ...submitBody, justification: `a${char}b` },
    });
    expect(made).toMatchObject({
      status: 400,
      json: { error: { code: "validation", field: "justification" } },
    });
    expect(await counts(db, org.org.id)).toEqual(before);

    // The body is refused before the request is looked up, so any id will do.
    const id = randomUUID();
    const decided = await callApi(decide, "POST", `/requests/${id}/decision`, {
      token: tokens.approver,
      params: { id },
      body: { verdict: "approve", comment: `ok${char}` },
    });
    expect(decided).toMatchObject({ status: 400, json: { error: { field: "comment" } } });

    const template = await callApi(createTemplate, "POST", "/templates", {
      token: tokens.admin,
      body: {
        key: "queue.read",
        name: `Read${char}`,
        description: "Peek at messages",
        risk: "low",
        permissions: { aws: ["sqs:ReceiveMessage"], gcp: [], azure: [] },
      },
    });
    expect(template).toMatchObject({ status: 400, json: { error: { field: "name" } } });
  });
});

// A query string is percent-decoded as UTF-8, so it can carry a NUL (%00) but never a lone surrogate
// (an encoded one decodes to U+FFFD).
it("refuses a NUL in a query parameter, known or not, with 400 naming it", async () => {
  const { tokens } = await setup();
  const list = await callApi(listRequests, "GET", `/requests?scope=mine&cursor=x%00`, {
    token: tokens.requester,
  });
  expect(list).toMatchObject({ status: 400, json: { error: { code: "validation", field: "cursor" } } });
  const search = await callApi(searchCatalog, "GET", `/catalog?q=ssh%00`, { token: tokens.requester });
  expect(search).toMatchObject({ status: 400, json: { error: { field: "q" } } });
  const extra = await callApi(listRequests, "GET", `/requests?scope=mine&utm=%00`, {
    token: tokens.requester,
  });
  expect(extra).toMatchObject({ status: 400, json: { error: { field: "utm" } } });
});
