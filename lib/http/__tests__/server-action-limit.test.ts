import { describe, expect, it } from "vitest";
import config, { SERVER_ACTION_BODY_LIMIT } from "@/next.config";

describe("server actions", () => {
  it("accept bodies no larger than a form needs (1 MB), not the 64 MB catalog imports once needed", () => {
    expect(SERVER_ACTION_BODY_LIMIT).toBe("1mb");
    expect(config.experimental?.serverActions?.bodySizeLimit).toBe("1mb");
  });
});
