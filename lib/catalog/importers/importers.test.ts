import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { gcpDescribeAll, gcpRoleJson, readDataset as read } from "../__tests__/datasets";
import { parseImport } from "./index";

describe("catalog importers on the real iam-dataset files", () => {
  it("gcloud iam roles list: 2,390 predefined roles", () => {
    const r = parseImport("gcp", "gcloud-roles-list", read("gcp/predefined_roles.json"));
    expect(r.roles.length).toBe(2390);
    expect(r.roles.find((x) => x.name === "roles/run.viewer")?.title).toBe("Cloud Run Viewer");
  });

  it("gcloud iam roles describe: every role file, 13,790 distinct permissions", () => {
    const r = parseImport("gcp", "gcloud-roles-describe", gcpDescribeAll());
    expect(r.roles.length).toBe(2461);
    expect(r.entries.length).toBe(13790);
    const osLogin = r.entries.find((e) => e.name === "compute.instances.osLogin");
    expect(osLogin).toMatchObject({ service: "compute", cloud: "gcp" });
    expect(r.entries.find((e) => e.name === "storage.objects.get")?.accessLevel).toBe("read");
    expect(r.entries.find((e) => e.name === "storage.buckets.setIamPolicy")?.accessLevel).toBe("permissions");
  });

  it("gcloud iam roles describe: a single role object", () => {
    const r = parseImport("gcp", "gcloud-roles-describe", gcpRoleJson("run.viewer"));
    expect(r.roles).toHaveLength(1);
    expect(r.entries.map((e) => e.name)).toContain("run.services.get");
  });

  it("az role definition list: 928 roles, concrete actions and data actions, wildcards not imported", () => {
    const r = parseImport("azure", "az-role-definition-list", read("azure/built-in-roles-raw.json"));
    expect(r.roles.length).toBe(928);
    expect(r.entries.length).toBeGreaterThan(3000);
    expect(r.entries.every((e) => !e.name.includes("*"))).toBe(true);
    const blob = r.entries.find(
      (e) => e.name === "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
    );
    expect(blob?.dataAction).toBe(true);
    expect(
      r.entries.find((e) => e.name === "Microsoft.Compute/virtualMachines/read")?.dataAction,
    ).toBeUndefined();
  });

  it("testable permissions (REST shape and gcloud array) carry the custom-role support level", () => {
    // The dataset has no testable-permissions export; this is the documented shape of queryTestablePermissions.
    const rest = JSON.stringify({
      permissions: [
        {
          name: "compute.instances.get",
          title: "Get instance",
          stage: "GA",
          customRolesSupportLevel: "SUPPORTED",
        },
        { name: "resourcemanager.projects.list", stage: "GA", customRolesSupportLevel: "NOT_SUPPORTED" },
        { name: "run.jobs.run", stage: "BETA", customRolesSupportLevel: "TESTING" },
        { name: "storage.objects.get", stage: "GA" },
      ],
    });
    const r = parseImport("gcp", "gcp-testable-permissions", rest);
    expect(Object.fromEntries(r.entries.map((e) => [e.name, e.customRoleSupport]))).toEqual({
      "compute.instances.get": "SUPPORTED",
      "resourcemanager.projects.list": "NOT_SUPPORTED",
      "run.jobs.run": "TESTING",
      "storage.objects.get": "SUPPORTED",
    });
    const arr = parseImport(
      "gcp",
      "gcp-testable-permissions",
      JSON.stringify([{ name: "compute.instances.get" }]),
    );
    expect(arr.entries).toHaveLength(1);
  });

  it("az provider operation list: resource-type operations with descriptions and data-action flags", () => {
    // Documented shape of `az provider operation list` (the dataset's copy is above its size cap).
    const ops = JSON.stringify([
      {
        id: "/providers/Microsoft.Authorization/providerOperations/Microsoft.Compute",
        name: "Microsoft.Compute",
        displayName: "Microsoft Compute",
        operations: [
          {
            name: "Microsoft.Compute/register/action",
            displayName: "Register",
            description: "Registers the subscription",
            isDataAction: false,
          },
        ],
        resourceTypes: [
          {
            name: "virtualMachines",
            operations: [
              {
                name: "Microsoft.Compute/virtualMachines/restart/action",
                displayName: "Restart Virtual Machine",
                description: "Restarts the virtual machine",
                isDataAction: false,
              },
              {
                name: "Microsoft.Compute/virtualMachines/login/action",
                displayName: "Log in",
                description: "Log in to a virtual machine as a regular user",
                isDataAction: true,
              },
            ],
          },
        ],
      },
    ]);
    const r = parseImport("azure", "az-provider-operation-list", ops);
    expect(r.entries).toHaveLength(3);
    const login = r.entries.find((e) => e.name.endsWith("login/action"));
    expect(login).toMatchObject({
      dataAction: true,
      description: "Log in to a virtual machine as a regular user",
      service: "Microsoft.Compute",
    });
  });

  it.each([
    ["gcp", "gcloud-roles-describe", "{not json", /not valid JSON/],
    [
      "gcp",
      "gcloud-roles-describe",
      '[{"name":"roles/x","includedPermissions":"a.b.c"}]',
      /content\[0\]\.includedPermissions/,
    ],
    ["gcp", "gcp-testable-permissions", '{"permissions":[{"title":"x"}]}', /content\.permissions\[0\]\.name/],
    [
      "gcp",
      "gcloud-roles-list",
      '[{"name":"roles/a","includedPermissions":["Bad Name"]}]',
      /content\[0\]\.includedPermissions\[0\]: not a GCP permission name/,
    ],
    ["azure", "az-role-definition-list", '{"roleName":"x"}', /not a az role definition list export/],
    ["azure", "az-role-definition-list", "[]", /no role definitions/],
    ["gcp", "az-provider-operation-list", "[]", /format: az-provider-operation-list is a azure export/],
  ] as const)("rejects a malformed %s %s export with a clear error", (cloud, format, content, message) => {
    const run = () => parseImport(cloud, format, content);
    expect(run).toThrow(AppError);
    expect(run).toThrow(message);
  });
});
