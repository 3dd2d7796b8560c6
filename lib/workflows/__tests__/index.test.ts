import { afterEach, describe, expect, it } from "vitest";
import { resetEnv } from "@/lib/env";
import { getWorkflowDriver, startBackgroundWork } from "../index";

const saved = process.env.INNGEST_BASE_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.INNGEST_BASE_URL;
  else process.env.INNGEST_BASE_URL = saved;
  resetEnv();
});

describe("getWorkflowDriver", () => {
  it("chooses the Inngest driver when an Inngest URL is configured, and starts nothing in-process", async () => {
    process.env.INNGEST_BASE_URL = "http://127.0.0.1:8288";
    resetEnv();
    const g = globalThis as typeof globalThis & Record<symbol, unknown>;
    g[Symbol.for("elevate.workflows")] = undefined;
    const driver = await getWorkflowDriver();
    expect(driver.kind).toBe("inngest");
    await expect(startBackgroundWork()).resolves.toBeUndefined();
    g[Symbol.for("elevate.workflows")] = undefined;
  });
});
