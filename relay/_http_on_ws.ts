// Serves the relay's HTTP API on the libp2p WebSockets listener's own port.
// @libp2p/websockets (10.x) listens with a node:http server that answers
// every plain request with 400 and hands `Upgrade: websocket` requests to
// libp2p; we replace its request handler with ours, so one port carries the
// web node, the API and libp2p. Relies on the listener's `http` field,
// checked here so a change in the package fails loudly at start.

import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { PhaseError } from "../shared/errors.ts";

type Handler = (req: Request) => Promise<Response>;

interface ListenerLike {
  http?: Server;
}

interface NodeInternals {
  components?: { transportManager?: { getListeners(): unknown[] } };
}

/** Routes plain HTTP requests on the libp2p WebSockets port to `handler`. */
export function serveHttpOnWebSockets(node: unknown, handler: Handler): void {
  const listeners = (node as NodeInternals).components?.transportManager?.getListeners() ?? [];
  const servers = listeners.map((l) => (l as ListenerLike).http).filter((s): s is Server =>
    s !== undefined && typeof s.on === "function"
  );
  if (servers.length === 0) {
    throw new PhaseError(
      "relay_shared_port_unavailable",
      "cannot serve HTTP on the WebSockets port with this @libp2p/websockets; set --ws-port",
    );
  }
  for (const server of servers) {
    server.removeAllListeners("request");
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      answer(req, res, handler).catch(() => res.destroy());
    });
  }
}

async function answer(req: IncomingMessage, res: ServerResponse, handler: Handler) {
  const method = req.method ?? "GET";
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(key, v));
    else if (value !== undefined) headers.set(key, value);
  }
  const hasBody = method !== "GET" && method !== "HEAD";
  const init = {
    method,
    headers,
    body: hasBody ? bodyStream(req) : undefined,
    // A streamed request body must say so.
    duplex: hasBody ? "half" : undefined,
  } as RequestInit;
  const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, init);
  const response = await handler(request);
  const out: Record<string, string> = {};
  response.headers.forEach((value, key) => (out[key] = value));
  res.writeHead(response.status, out);
  if (!response.body || method === "HEAD") {
    await response.body?.cancel();
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.on("close", () => reader.cancel().catch(() => {}));
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      if (!res.write(value)) {
        // Wait for drain or close, then drop the other listener so long
        // downloads do not pile up listeners.
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off("drain", done);
            res.off("close", done);
            resolve();
          };
          res.on("drain", done);
          res.on("close", done);
        });
      }
      if (res.destroyed) return;
    }
    res.end();
  } finally {
    reader.releaseLock();
  }
}

// The request body as a web stream. (node:stream's Readable.toWeb throws an
// uncaught error when the handler cancels the body early, e.g. a 413, and
// data keeps arriving.) After a cancel the rest is drained and dropped.
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let closed = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (chunk: Uint8Array) => {
        if (closed) return;
        controller.enqueue(new Uint8Array(chunk));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.on("end", () => {
        if (closed) return;
        closed = true;
        controller.close();
      });
      req.on("error", (err) => {
        if (closed) return;
        closed = true;
        controller.error(err);
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      closed = true;
      req.resume();
    },
  }, { highWaterMark: 4 });
}
