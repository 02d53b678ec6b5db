/**
 * The Phase relay: libp2p hub (WebSockets, circuit-relay-v2, gossipsub) plus
 * one HTTP server (web node, health, status, metrics, bootstrap, module
 * store, releases). {@linkcode startRelay} runs one in-process.
 *
 * Extra HTTP routes (e.g. the edge-executor registry) plug in through
 * `RelayOptions.routes`: handlers that return a Response for their paths and
 * null for anything else.
 *
 * @module
 */

import { serveHttpOnWebSockets } from "./_http_on_ws.ts";
import type { RelayConfig } from "./config.ts";
import { createLogger, type Logger } from "./log.ts";
import { loadIdentity } from "./identity.ts";
import { createRelayNode, keepConnected } from "./p2p.ts";
import { createModuleStore, jsonError } from "./module_store.ts";
import { createReleasesHandler } from "./releases.ts";
import { serveStatic } from "./static.ts";
import { JOB_TOPIC } from "../shared/protocol/mod.ts";

/** A route handler: a Response for its paths, null to pass. */
export type Route = (req: Request) => Promise<Response | null>;

/** Options of {@linkcode startRelay} beyond the config. */
export interface RelayOptions {
  /** Extra HTTP routes, tried before the built-in ones. */
  routes?: Route[];
  /** Logger (default: from the config's format and level). */
  logger?: Logger;
}

/** A running relay. */
export interface RelayHandle {
  peerId: string;
  /** Dialable multiaddrs, with /p2p/<id>. */
  multiaddrs: string[];
  httpUrl: string;
  /** Stops HTTP and libp2p. */
  stop(): Promise<void>;
}

/** The relay's version. */
export const VERSION = "0.1.0";

/** Starts a relay with `config`. */
export async function startRelay(
  config: RelayConfig,
  options: RelayOptions = {},
): Promise<RelayHandle> {
  const started = performance.now();
  const logger = options.logger ?? createLogger(config.logFormat, config.logLevel);
  const keyPair = await loadIdentity(config.stateDir);
  let jobsSeen = 0;
  let modulesStored = 0;
  let httpRequests = 0;
  let moduleReads = 0;
  const node = await createRelayNode(keyPair, {
    bind: config.bind,
    wsPort: config.wsPort ?? config.port,
    announce: config.announce,
    onAnnouncement: () => jobsSeen++,
  });
  const peerId = node.peerId.toString();
  const multiaddrs = () => {
    const addrs = node.getMultiaddrs().map(String);
    return config.announce
      ? addrs.map((a) => a.replace(/^\/ip[46]\/[^/]+/, `/dns/${config.announce}`))
      : addrs;
  };
  const modules = createModuleStore({
    dir: `${config.stateDir}/modules`,
    maxBytes: config.maxModuleBytes,
    onStored: () => modulesStored++,
    onRead: () => moduleReads++,
  });
  const releases = createReleasesHandler({
    dir: config.releasesDir ?? `${config.stateDir}/releases`,
  });

  const status = () => {
    const connections = node.getConnections();
    const byKind: Record<string, number> = {};
    for (const c of connections) {
      const kind = c.limits
        ? "relayed"
        : c.remoteAddr.toString().includes("/ws")
        ? "websocket"
        : "other";
      byKind[kind] = (byKind[kind] ?? 0) + 1;
    }
    const pubsub = node.services.pubsub;
    return {
      peerId,
      version: VERSION,
      multiaddrs: multiaddrs(),
      uptimeMs: Math.round(performance.now() - started),
      connections: { total: connections.length, ...byKind },
      reservations: node.services.relay.reservations.size,
      topics: Object.fromEntries(
        pubsub.getTopics().map((t) => [t, pubsub.getSubscribers(t).length]),
      ),
      jobsSeen,
      modulesStored,
    };
  };

  const metrics = () => {
    const s = status();
    const mem = Deno.memoryUsage();
    const lines = [
      ["phase_relay_uptime_seconds", "gauge", "Seconds since the relay started", s.uptimeMs / 1000],
      ["phase_relay_connections", "gauge", "Open libp2p connections", s.connections.total],
      ["phase_relay_reservations", "gauge", "Circuit relay reservations held", s.reservations],
      [
        "phase_relay_job_topic_peers",
        "gauge",
        "Peers subscribed to the job topic",
        s.topics[JOB_TOPIC] ?? 0,
      ],
      ["phase_relay_jobs_seen_total", "counter", "Valid job announcements relayed", s.jobsSeen],
      [
        "phase_relay_modules_stored_total",
        "counter",
        "Modules stored since start",
        s.modulesStored,
      ],
      ["phase_relay_http_requests_total", "counter", "HTTP requests served", httpRequests],
      [
        "phase_relay_module_reads_total",
        "counter",
        "GET requests that served a stored module",
        moduleReads,
      ],
      ["process_resident_memory_bytes", "gauge", "Resident memory", mem.rss],
      ["process_heap_used_bytes", "gauge", "V8 heap in use", mem.heapUsed],
    ] as const;
    return lines.map(([name, type, help, value]) =>
      `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}`
    ).join("\n") + "\n";
  };

  const cors = {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "GET, HEAD, PUT, POST, OPTIONS",
    "access-control-allow-headers": "content-type, range, if-none-match",
    "access-control-expose-headers": "content-range, etag, content-length",
  };

  const routes: Route[] = [...(options.routes ?? []), modules, releases];
  const handler = async (req: Request): Promise<Response> => {
    httpRequests++;
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
    const { pathname } = new URL(req.url);
    let res: Response | null = null;
    try {
      if (pathname === "/health") res = Response.json({ ok: true });
      else if (pathname === "/status") res = Response.json(status());
      else if (pathname === "/bootstrap") res = Response.json({ peerId, multiaddrs: multiaddrs() });
      else if (pathname === "/metrics") {
        res = new Response(metrics(), { headers: { "content-type": "text/plain; version=0.0.4" } });
      } else {
        for (const route of routes) {
          res = await route(req);
          if (res) break;
        }
        res ??= await serveStatic(req, config.webRoot);
      }
    } catch (err) {
      logger.log("error", "request failed", { path: pathname, error: (err as Error).message });
      res = jsonError(500, "internal", "the relay failed to answer");
    }
    res ??= jsonError(404, "not_found", `no route for ${pathname}`);
    for (const [k, v] of Object.entries(cors)) res.headers.set(k, v);
    return res;
  };

  // One port by default: HTTP rides on the libp2p WebSockets listener.
  let server: Deno.HttpServer<Deno.NetAddr> | undefined;
  let port: number;
  if (config.wsPort === undefined) {
    serveHttpOnWebSockets(node, handler);
    port = Number(node.getMultiaddrs()[0].getComponents().find((c) => c.name === "tcp")!.value);
  } else {
    server = Deno.serve({ hostname: config.bind, port: config.port, onListen: () => {} }, handler);
    port = server.addr.port;
  }
  const httpHost = config.announce ??
    (config.bind.includes(":") ? `[${config.bind}]` : config.bind);
  const httpUrl = `http://${httpHost}:${port}`;
  const stopBootstrap = keepConnected(
    node,
    config.bootstrap,
    (msg, fields) => logger.log("info", msg, fields),
  );
  logger.log("info", "relay listening", {
    httpUrl,
    multiaddrs: multiaddrs(),
    peerId,
    startupMs: Math.round(performance.now() - started),
  });
  return {
    peerId,
    multiaddrs: multiaddrs(),
    httpUrl,
    async stop() {
      stopBootstrap();
      await server?.shutdown();
      await node.stop();
    },
  };
}
