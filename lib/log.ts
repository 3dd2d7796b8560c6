import pino from "pino";
import { env } from "./env";

function level(): string {
  // A broken environment must not stop us from logging why; env() reports it on its own.
  try {
    return env().LOG_LEVEL;
  } catch {
    return "info";
  }
}

/** One structured line per event, with org, actor and request/grant ids; never secrets. */
export const logger = pino({
  level: level(),
  base: { app: "elevate" },
  redact: {
    paths: ["token", "*.token", "authorization", "*.authorization", "secret", "*.secret"],
    remove: true,
  },
});
