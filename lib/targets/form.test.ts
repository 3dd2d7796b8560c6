import { describe, expect, it } from "vitest";
import { connectInputFromForm, formFieldFor } from "./form";
import { parseConnect } from "./schemas";

describe("connectInputFromForm", () => {
  it("keeps only the fields that apply to the adapter and credential type", () => {
    const input = connectInputFromForm({
      name: "prod",
      cloud: "aws",
      adapter: "aws",
      externalId: "123456789012",
      endpoint: " ",
      region: "eu-west-1",
      credentialType: "env",
      accessKeyIdVar: "ELEVATE_CLOUD_K",
      secretAccessKeyVar: "ELEVATE_CLOUD_S",
      credentialVar: "STALE",
      pim: "on",
      ca: "stale",
    });
    expect(input.settings).toEqual({
      region: "eu-west-1",
      credentials: { type: "env", accessKeyIdVar: "ELEVATE_CLOUD_K", secretAccessKeyVar: "ELEVATE_CLOUD_S" },
    });
    expect(parseConnect(input).settings).toEqual(input.settings);
  });

  it("maps Azure's PIM toggle and CA, GCP's JSON reference, and the sandbox to no settings", () => {
    const azure = connectInputFromForm({
      cloud: "azure",
      adapter: "azure",
      credentialType: "env-token",
      credentialVar: "ARM_TOKEN",
      pim: "on",
      ca: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----",
    });
    expect(azure.settings).toMatchObject({ pim: true, credentials: { type: "env-token", var: "ARM_TOKEN" } });
    const gcp = connectInputFromForm({
      cloud: "gcp",
      adapter: "gcp",
      credentialType: "default",
      region: "x",
    });
    expect(gcp.settings).toEqual({ credentials: { type: "default" } });
    expect(
      connectInputFromForm({ cloud: "gcp", adapter: "sandbox", credentialType: "env" }).settings,
    ).toEqual({});
  });

  it("points each error field at its control", () => {
    expect(formFieldFor("settings.credentials.var")).toBe("credentialVar");
    expect(formFieldFor("settings.credentials.type")).toBe("credentialType");
    expect(formFieldFor("externalId")).toBe("externalId");
    expect(formFieldFor("settings.credentials.secretAccessKey")).toBe("form");
    expect(formFieldFor(undefined)).toBe("form");
  });
});
