import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

type RouteHandler = (
  req: Request,
  route?: { params?: Promise<Record<string, string>> },
) => Response | Promise<Response>;
export type RouteModule = Partial<Record<string, RouteHandler | undefined>>;

/**
 * A real HTTP server on 127.0.0.1 serving the given App Router route modules by path template
 * (`/api/v1/grants/{id}`), as `next start` would route them: static segments win over parameters.
 * For tests and benches whose client must talk HTTP (the people CLI) without building the app.
 */
export async function startRouteServer(
  routes: Record<string, RouteModule>,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const matchers = Object.entries(routes).map(([template, mod]) => {
    const names: string[] = [];
    const source = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    return { mod, names, re: new RegExp(`^${source}$`) };
  });
  const server = createServer(async (req: IncomingMessage, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const hits = matchers.filter((m) => m.re.test(url.pathname));
      const hit = hits.find((m) => m.names.length === 0) ?? hits[0];
      const handler = hit?.mod[req.method ?? "GET"];
      if (!hit || !handler) {
        res
          .writeHead(404, { "content-type": "application/json" })
          .end('{"error":{"code":"not_found","message":"no route"}}');
        return;
      }
      const values = hit.re.exec(url.pathname)?.slice(1) ?? [];
      const params = Object.fromEntries(hit.names.map((n, i) => [n, decodeURIComponent(values[i])]));
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const response = await handler(new Request(url, { method: req.method, headers, body }), {
        params: Promise.resolve(params),
      });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
