import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { percentile } from "./stats";

// autocannon ships no types; this is the slice of its API the page bench uses.
type Instance = {
  on(event: "response", fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
};
type Result = {
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { total: number; average: number };
};
type Autocannon = (
  opts: { url: string; connections: number; duration: number; headers?: Record<string, string> },
  done: (err: Error | null, result: Result) => void,
) => Instance;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

export type RouteFigures = {
  path: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
};

/** Hammers one URL with `connections` clients for `seconds`, timing every response. */
export function measure(url: string, opts: { cookie?: string; connections: number; seconds: number }) {
  return new Promise<RouteFigures>((resolve, reject) => {
    const times: number[] = [];
    const instance = autocannon(
      {
        url,
        connections: opts.connections,
        duration: opts.seconds,
        headers: opts.cookie ? { cookie: opts.cookie } : {},
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({
          path: new URL(url).pathname,
          requests: result.requests.total,
          rps: Math.round(result.requests.average),
          p50: percentile(times, 50),
          p95: percentile(times, 95),
          p99: percentile(times, 99),
          max: percentile(times, 100),
          errors: result.errors + result.timeouts + result.non2xx,
        });
      },
    );
    instance.on("response", (_client, _status, _bytes, ms) => times.push(ms));
  });
}

/** Signs in a demo persona the way the sign-in page does, returning the session cookie. */
export async function demoCookie(base: string, persona: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/demo`, {
    method: "POST",
    headers: { origin: base, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ persona }),
    redirect: "manual",
  });
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  if (res.status !== 303 || !cookie) throw new Error(`demo sign-in as ${persona} failed: HTTP ${res.status}`);
  return cookie;
}

/** One GET that must answer 200 with `marker` in the HTML: the bench measures real pages, not redirects. */
export async function checkPage(url: string, cookie: string | undefined, marker?: string) {
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  const body = await res.text();
  return {
    status: res.status,
    ok: res.status === 200 && (!marker || body.includes(marker)),
    bytes: body.length,
  };
}

/**
 * CPU time (user + system, ms) the processes of a process group have used so far, from /proc (Linux; null
 * elsewhere). The server runs as `npm start` in its own group: npm, its shell and the Next.js server. The
 * server's CPU per request says what a page costs, independent of how the load generator and database
 * share cores.
 */
export function processGroupCpuMs(pgid: number | undefined): number | null {
  if (!pgid) return null;
  let ticks = 0;
  let found = false;
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the command name: pgrp is the 3rd, utime and stime the 12th and 13th (USER_HZ = 100).
      const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      found = true;
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return null;
  }
  return found ? ticks * 10 : null;
}
