// Repairs postgres.js 3.4.9's write scheduler in node_modules; run by `postinstall` (npm install and npm ci).
//
// The driver defers small writes to a setImmediate. When the server drops a connection (a restart, a
// failover, pg_terminate_backend, an idle proxy), `closed()` sets the socket to null, and a write queued
// then, or a query sent to a reserved connection (a transaction) before it reconnects, runs
// `socket.write` on null inside the immediate: an uncaught TypeError that ends the process. The teardown
// also cancels the immediate without forgetting it, so a pooled connection could never flush again.
// Upstream: porsager/postgres#1154 and #1208, fixes proposed in #1168 and #1209, unmerged as of 3.4.9.
//
// The repair is the one #1209 proposes: with no socket, drop the buffered bytes and reject the waiting
// queries with CONNECTION_CLOSED (catchable, and the pool reconnects), and forget the cancelled immediate.
// And end() no longer waits for ever on a connection that has lost its socket: it ends it at once.
// Each edit must find the exact 3.4.9 text; a newer version is left alone, and anything else fails loudly.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const MARK = "/* elevate: driver-patch */";
const root = path.join(process.cwd(), "node_modules", "postgres");
const PATCHED_VERSION = "3.4.9";

const edits = [
  {
    what: "nextWrite writes only to a live socket",
    from: "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n",
    to:
      "  function nextWrite(fn) {\n" +
      `    if (!socket) { ${MARK}\n` +
      "      chunk = nextWriteTimer = null\n" +
      "      error(Errors.connection('CONNECTION_CLOSED', options))\n" +
      "      return false\n" +
      "    }\n" +
      "    const x = socket.write(chunk, fn)\n",
  },
  {
    what: "terminate() forgets the cancelled write",
    from: "      error(Errors.connection('CONNECTION_DESTROYED', options))\n\n    clearImmediate(nextWriteTimer)\n",
    to:
      "      error(Errors.connection('CONNECTION_DESTROYED', options))\n\n" +
      `    clearImmediate(nextWriteTimer), nextWriteTimer = chunk = null ${MARK}\n`,
  },
  {
    what: "end() of a connection without a socket ends it now",
    // A query the dead socket never answered stays current, so end() waited for ever for it to finish.
    from: "      !connection.reserved && !initial && !query && sent.length === 0\n",
    to: `      !socket || (!connection.reserved && !initial && !query && sent.length === 0) ${MARK}\n`,
  },
  {
    what: "closed() forgets the cancelled write",
    from: "    incomings = null\n    clearImmediate(nextWriteTimer)\n",
    to: `    incomings = null\n    clearImmediate(nextWriteTimer), nextWriteTimer = chunk = null ${MARK}\n`,
  },
];

/** Applies the edits not yet applied to one copy of connection.js; returns what it did. */
export function patchSource(source) {
  let out = source;
  let applied = 0;
  for (const edit of edits) {
    if (out.includes(edit.to)) continue;
    const at = out.indexOf(edit.from);
    if (at < 0 || out.indexOf(edit.from, at + 1) >= 0) {
      throw new Error(`postgres driver patch: cannot apply "${edit.what}" (the text differs from 3.4.9)`);
    }
    out = out.replace(edit.from, edit.to);
    applied++;
  }
  return { source: out, state: applied ? "patched" : "already patched" };
}

function main() {
  const pkg = path.join(root, "package.json");
  if (!existsSync(pkg)) return; // not installed (yet): nothing to repair
  const { version } = JSON.parse(readFileSync(pkg, "utf8"));
  if (version !== PATCHED_VERSION) {
    console.warn(`postgres driver patch: postgres ${version} is not ${PATCHED_VERSION}; left as it is`);
    return;
  }
  // The Node builds (ESM and CommonJS) and the Workers build carry the same connection.js.
  for (const rel of ["src/connection.js", "cjs/src/connection.js", "cf/src/connection.js"]) {
    const file = path.join(root, rel);
    if (!existsSync(file)) continue;
    const { source, state } = patchSource(readFileSync(file, "utf8"));
    if (state === "patched") writeFileSync(file, source);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
