/**
 * The edge worker's HTTP handler, shared by the Cloudflare and Deno Deploy
 * entries:
 *
 * - `GET /health`: `{ ok: true }`.
 * - `GET /v1/info`: executor key and peer id, runtime, engine, accepted
 *   limits, version, admission mode, and `codegen`: whether this host lets
 *   code compile WebAssembly from bytes (false on Cloudflare).
 * - `POST /v1/execute`: a framed job (see shared/edge/framing.ts): signed
 *   manifest plus module and inputs; answers a framed result with a receipt
 *   signed by the worker's key, or a JSON error:
 *
 * | status | code | when |
 * | --- | --- | --- |
 * | 400 | `frame_invalid`, `manifest_*`, `module_hash_mismatch`, `module_unavailable`, `input_mismatch`, `job_deadline` | malformed request |
 * | 401 | `manifest_bad_signature` | the submitter's signature does not verify |
 * | 403 | `submitter_not_allowed` | submitter not in the allow-list (and not open) |
 * | 413 | `body_too_large` | body above `limits.bodyBytes` |
 * | 422 | `limit_exceeded` (`limit`, `max`, `requested`) | a job limit above the worker's |
 * | 422 | `invalid_module` | the module does not decode or validate |
 * | 429 | `rate_limited` (`retryAfter`) | the submitter's rate limit |
 * | 500 | `no_key` | `PHASE_NODE_KEY` missing or invalid (every request) |
 *
 * @module
 */

import { PhaseError } from "../shared/errors.ts";
import { sha256Hex } from "../shared/crypto/mod.ts";
import { readLimited, toBase64Url } from "../shared/encoding/mod.ts";
import { type JobManifest, validateManifestAsync } from "../shared/manifest/mod.ts";
import type { RuntimeKind } from "../shared/receipt/mod.ts";
import { canCompileWasm, type Engine, type Guard, runJobSync } from "../shared/executor/mod.ts";
// Direct imports: the node's mod.ts also brings libp2p code the worker does not need.
import { jobSpecFor } from "../shared/node/job_spec.ts";
import { receiptFor } from "../shared/node/job_receipt.ts";
import { ModuleCache } from "../shared/node/module_cache.ts";
import {
  decodeFrame,
  type EdgeInfo,
  encodeFrame,
  exceededLimit,
  FRAME_CONTENT_TYPE,
  signExecutorRecord,
} from "../shared/edge/mod.ts";
import { peerIdFromPublicKey } from "../shared/crypto/mod.ts";
import type { EdgeConfig } from "./config.ts";
import { RateLimiter } from "./_rate_limit.ts";

/** The worker's version (in `/v1/info`). */
export const EDGE_VERSION = "0.1.0";

/** Options of {@linkcode createEdgeHandler}. */
export interface EdgeHandlerOptions {
  /** Runtime kind for receipts. */
  runtime: RuntimeKind;
  /** Engine that runs jobs. */
  engine: Engine;
  /** Wall-clock enforcement around the guest (Deno Deploy: node:vm). */
  guard?: Guard;
  /** Log sink (default: one JSON line on the console). */
  log?: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
  /** Blocking sleep for the guest's `poll_oneoff` (default: the executor's, `Atomics.wait` or a spin). */
  sleep?: (ms: number) => void;
  /** Fetches a module by URL (default: global fetch). */
  fetchModule?: (url: string, maxBytes: number) => Promise<Uint8Array>;
}

/** A handler plus its registry announcer. */
export interface EdgeHandler {
  /** Answers one request. `waitUntil` keeps background work (registry posts) alive. */
  fetch(req: Request, waitUntil?: (p: Promise<unknown>) => void): Promise<Response>;
  /** Posts this worker's signed record to every configured relay; resolves per-relay outcomes. */
  announce(origin?: string): Promise<{ relay: string; ok: boolean; detail: string }[]>;
}

/** A JSON error response `{ error: { code, message, ...detail } }`. */
export function jsonError(
  status: number,
  code: string,
  message: string,
  detail: Record<string, unknown> = {},
): Response {
  return Response.json({ error: { code, message, ...detail } }, { status });
}

class HttpError extends PhaseError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(code, message);
  }
}

function defaultLog(level: string, msg: string, fields: Record<string, unknown> = {}) {
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

/** How far above the body limit a declared length may be for the body to be drained (readBody). */
const DRAIN_BYTES = 16 * 1024 * 1024;

async function readBody(req: Request, max: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new HttpError(413, "body_too_large", `request body above ${max} bytes`, {
      limit: "bodyBytes",
      max,
    });
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > max) {
    // A client still sending when the 413 goes out may see the connection
    // reset instead of the answer (seen under workerd): a moderate excess is
    // read and dropped first, so the client gets the 413 and its reason.
    if (declared - max <= DRAIN_BYTES) {
      // (an error: the client went away, nothing to answer to)
      await req.body?.pipeTo(new WritableStream()).catch(() => {});
    }
    throw tooLarge();
  }
  const body = await readLimited(req.body, max);
  if (!body) throw tooLarge();
  return body;
}

async function defaultFetchModule(url: string, maxBytes: number): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return await readBody(new Request("http://x/", { method: "POST", body: res.body }), maxBytes);
}

/** Creates the handler for one configuration. */
export function createEdgeHandler(config: EdgeConfig, options: EdgeHandlerOptions): EdgeHandler {
  const log = options.log ?? defaultLog;
  const limiter = new RateLimiter(config.ratePerMinute);
  const modules = new ModuleCache({ maxBytes: 64 * 1024 * 1024 });
  const compiled = new Map<string, unknown>();
  const engineLabel = options.engine.name === "jit" ? "v8" : options.engine.name;
  const keyPair = "keyPair" in config.key ? config.key.keyPair : undefined;
  let keyLogged = false;
  let lastAnnounce = -Infinity;
  let announcing: Promise<unknown> | undefined;

  function info(): EdgeInfo {
    return {
      executor: toBase64Url(keyPair!.publicKey),
      executorPeerId: peerIdFromPublicKey(keyPair!.publicKey),
      runtime: options.runtime,
      engine: engineLabel,
      limits: config.limits,
      version: EDGE_VERSION,
      open: config.open,
      codegen: canCompileWasm(),
    };
  }

  function checkLimits(m: JobManifest) {
    const over = exceededLimit(config.limits, m);
    if (over) {
      const { limit, max, requested } = over;
      throw new HttpError(
        422,
        "limit_exceeded",
        `${limit} ${requested} is above this worker's ${max}`,
        { limit, max, requested },
      );
    }
  }

  async function moduleFor(m: JobManifest, parts: Map<string, Uint8Array>): Promise<Uint8Array> {
    const { sha256, size, url } = m.module;
    let bytes = parts.get("module") ?? modules.get(sha256);
    if (bytes === undefined && url !== undefined) {
      try {
        bytes = await (options.fetchModule ?? defaultFetchModule)(url, config.limits.moduleBytes);
      } catch (err) {
        throw new HttpError(400, "module_unavailable", `cannot fetch ${url}: ${errText(err)}`);
      }
    }
    if (bytes === undefined) {
      throw new HttpError(400, "module_unavailable", "no module part, not cached, and no url");
    }
    if (bytes.length !== size || sha256Hex(bytes) !== sha256) {
      throw new HttpError(400, "module_hash_mismatch", "the module is not the manifest's");
    }
    modules.set(sha256, bytes);
    return bytes;
  }

  function inputsFor(m: JobManifest, parts: Map<string, Uint8Array>) {
    const known = new Set(["module", "stdin", ...Object.keys(m.files).map((p) => `file:${p}`)]);
    for (const name of parts.keys()) {
      if (!known.has(name)) throw new HttpError(400, "input_mismatch", `unexpected part ${name}`);
    }
    let stdin: Uint8Array = new Uint8Array(0);
    if (m.stdin) {
      const sent = parts.get("stdin");
      if (!sent || sent.length !== m.stdin.size || sha256Hex(sent) !== m.stdin.sha256) {
        throw new HttpError(400, "input_mismatch", "stdin missing or not matching the manifest");
      }
      stdin = sent;
    }
    const files = new Map<string, Uint8Array>();
    for (const [path, ref] of Object.entries(m.files)) {
      const sent = parts.get(`file:${path}`);
      if (!sent || sent.length !== ref.size || sha256Hex(sent) !== ref.sha256) {
        throw new HttpError(400, "input_mismatch", `input file ${path} missing or not matching`);
      }
      files.set(path, sent);
    }
    return { stdin, files };
  }

  async function execute(req: Request): Promise<Response> {
    const body = await readBody(req, config.limits.bodyBytes);
    let frame;
    try {
      frame = decodeFrame(body);
    } catch (err) {
      throw new HttpError(400, "frame_invalid", errText(err));
    }
    let manifest: JobManifest;
    try {
      manifest = await validateManifestAsync(frame.header.manifest);
    } catch (err) {
      const code = err instanceof PhaseError ? err.code : "manifest_invalid";
      throw new HttpError(code === "manifest_bad_signature" ? 401 : 400, code, errText(err));
    }
    if (!config.open && !config.allowed.has(manifest.submitter)) {
      throw new HttpError(
        403,
        "submitter_not_allowed",
        "this worker does not run this submitter's jobs",
        {
          submitter: manifest.submitter,
        },
      );
    }
    const wait = limiter.take(manifest.submitter);
    if (wait > 0) {
      throw new HttpError(429, "rate_limited", `too many jobs; retry in ${wait} s`, {
        retryAfter: wait,
      });
    }
    if (manifest.deadline <= Date.now()) {
      throw new HttpError(400, "job_deadline", "the job's deadline has passed");
    }
    checkLimits(manifest);
    const module = await moduleFor(manifest, frame.parts);
    const inputs = inputsFor(manifest, frame.parts);
    const spec = jobSpecFor(manifest, inputs);
    if (config.limits.fuel !== undefined && options.engine.name === "interp") {
      spec.limits!.fuel ??= config.limits.fuel;
    }
    const result = runJobSync(module, spec, {
      engine: options.engine,
      guard: options.guard,
      cache: compiled,
      moduleKey: manifest.module.sha256,
      sleep: options.sleep,
    });
    if (result.status === "invalid_module") {
      throw new HttpError(422, "invalid_module", result.message ?? "invalid module");
    }
    const receipt = receiptFor(
      manifest,
      result,
      { kind: options.runtime, engine: engineLabel },
      keyPair!,
    );
    log("info", "job", {
      jobId: manifest.id,
      status: result.status,
      wallMs: Math.round(result.wallMs),
      fuelUsed: result.fuelUsed,
    });
    const parts: [string, Uint8Array][] = [
      ["stdout", result.stdout],
      ["stderr", result.stderr],
      ...Object.entries(result.files).map(([p, b]) => [`file:${p}`, b] as [string, Uint8Array]),
    ];
    const header: Record<string, unknown> = {
      status: result.status,
      exitCode: result.exitCode,
      receipt,
    };
    if (result.message) header.message = result.message.slice(0, 4000);
    return new Response(encodeFrame(header, parts) as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": FRAME_CONTENT_TYPE },
    });
  }

  async function announce(origin?: string) {
    const url = config.publicUrl ?? origin;
    if (!keyPair || config.relays.length === 0 || url === undefined) return [];
    lastAnnounce = Date.now();
    const record = signExecutorRecord(
      {
        url,
        runtime: options.runtime,
        engine: engineLabel,
        limits: config.limits,
      },
      keyPair,
      { ttlMs: config.recordTtlMs },
    );
    return await Promise.all(config.relays.map(async (relay) => {
      try {
        const res = await fetch(relay.replace(/\/+$/, "") + "/v1/executors", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(record),
        });
        const detail = await res.text();
        log(res.ok ? "info" : "warn", "registered with relay", { relay, status: res.status });
        return { relay, ok: res.ok, detail };
      } catch (err) {
        log("warn", "relay registration failed", { relay, error: errText(err) });
        return { relay, ok: false, detail: errText(err) };
      }
    }));
  }

  // Browsers (the web node) may call the worker directly: allow any origin;
  // requests carry their own signatures, no cookies.
  async function fetchHandler(
    req: Request,
    waitUntil?: (p: Promise<unknown>) => void,
  ): Promise<Response> {
    if (req.method === "OPTIONS") return withCors(new Response(null, { status: 204 }));
    return withCors(await serve(req, waitUntil));
  }

  async function serve(
    req: Request,
    waitUntil?: (p: Promise<unknown>) => void,
  ): Promise<Response> {
    if (!keyPair) {
      const error = (config.key as { error: string }).error;
      if (!keyLogged) {
        keyLogged = true;
        log("error", `phase edge worker has no key: ${error}`);
      }
      return jsonError(500, "no_key", error);
    }
    const url = new URL(req.url);
    // Re-announce on requests when half the TTL has passed (cron does it too).
    if (
      config.relays.length > 0 && announcing === undefined &&
      Date.now() - lastAnnounce > config.recordTtlMs / 2
    ) {
      announcing = announce(url.origin).finally(() => (announcing = undefined));
      waitUntil?.(announcing);
    }
    try {
      if (url.pathname === "/health") return Response.json({ ok: true });
      if (url.pathname === "/v1/info") return Response.json(info());
      if (url.pathname === "/v1/execute") {
        if (req.method !== "POST") {
          return jsonError(405, "method_not_allowed", "POST a framed job to /v1/execute");
        }
        return await execute(req);
      }
      return jsonError(404, "not_found", `no route for ${url.pathname}`);
    } catch (err) {
      if (err instanceof HttpError) return jsonError(err.status, err.code, err.message, err.detail);
      log("error", "request failed", { path: url.pathname, error: errText(err) });
      return jsonError(500, "internal", errText(err));
    }
  }

  return { fetch: fetchHandler, announce };
}

const CORS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "content-type",
  "access-control-max-age": "86400",
};

function withCors(res: Response): Response {
  for (const [k, v] of Object.entries(CORS)) res.headers.set(k, v);
  return res;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
