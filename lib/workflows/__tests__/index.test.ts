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
  it("says clearly that the Inngest driver is not in this build, and start-up survives it", async () => {
    process.env.INNGEST_BASE_URL = "http://127.0.0.1:8288";
    resetEnv();
    await expect(getWorkflowDriver()).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringMatching(/issue 4/),
    });
    // A failed start is not cached, and start-up logs instead of crashing the server.
    await expect(getWorkflowDriver()).rejects.toMatchObject({ code: "unavailable" });
    await expect(startBackgroundWork()).resolves.toBeUndefined();
  });
});
