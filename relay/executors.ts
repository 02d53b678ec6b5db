/**
 * The relay's registry of edge executors (Cloudflare Workers, Deno Deploy):
 *
 * - `POST /v1/executors`: a signed record (shared/edge/record.ts) from the
 *   worker itself; 200 `{ ok, executorPeerId, expiresAt }`, or 400 with the
 *   record's error code. A newer record replaces an older one of the same key.
 * - `GET /v1/executors`: `{ executors: [record, ...] }`, unexpired records,
 *   newest first. Submitters verify each record themselves (the signature is
 *   in it) and then every receipt, so a relay cannot make up executors.
 *
 * Before a key's record is listed under a URL for the first time, the relay
 * asks that URL who it is (`GET <url>/v1/info`, which every edge worker
 * serves) and requires the record's executorPeerId: a valid signature only
 * proves the key, not that the worker behind the URL holds it, and without
 * the check anyone could point submitters' jobs at any URL.
 *
 * Records live in memory: workers re-post on a schedule, so a restarted
 * relay is repopulated within one announce period.
 *
 * @module
 */

import {
  type EdgeExecutorRecord,
  MAX_RECORD_TTL_MS,
  verifyExecutorRecord,
} from "../shared/edge/mod.ts";
import { readLimited, utf8Decode } from "../shared/encoding/mod.ts";
import { PhaseError } from "../shared/errors.ts";
import { jsonError } from "./module_store.ts";

/** Options of {@linkcode createExecutorRegistry}. */
export interface ExecutorRegistryOptions {
  /** Most records kept (default 1000). */
  maxRecords?: number;
  /** Longest TTL accepted (default one hour). */
  maxTtlMs?: number;
  /** Called for each accepted record. */
  onRegistered?: (record: EdgeExecutorRecord) => void;
  /** Confirm that a new URL serves the record's key (default true). */
  confirmUrl?: boolean;
  /** Time the URL gets to answer, ms (default 5000). */
  confirmTimeoutMs?: number;
}

/** The registry: a route plus a view of the live records. */
export interface ExecutorRegistry {
  /** Route for /v1/executors (null for other paths). */
  route(req: Request): Promise<Response | null>;
  /** Unexpired records, newest first. */
  list(): EdgeExecutorRecord[];
}

const MAX_BODY = 16 * 1024;

/** Why `record.url` does not answer as the record's executor, or null when it does. */
async function urlMismatch(record: EdgeExecutorRecord, timeoutMs: number): Promise<string | null> {
  let res: Response;
  try {
    res = await fetch(record.url.replace(/\/+$/, "") + "/v1/info", {
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return `${record.url}/v1/info is unreachable (${err instanceof Error ? err.name : "error"})`;
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    return `${record.url}/v1/info answered HTTP ${res.status}`;
  }
  const bytes = await readLimited(res.body, MAX_BODY).catch(() => null);
  let peer: unknown;
  try {
    peer = bytes && (JSON.parse(utf8Decode(bytes)) as { executorPeerId?: unknown }).executorPeerId;
  } catch {
    peer = undefined;
  }
  return peer === record.executorPeerId
    ? null
    : `${record.url}/v1/info does not name executor ${record.executorPeerId}`;
}

/** Creates an in-memory registry. */
export function createExecutorRegistry(options: ExecutorRegistryOptions = {}): ExecutorRegistry {
  const records = new Map<string, EdgeExecutorRecord>();
  const max = options.maxRecords ?? 1000;

  function list(): EdgeExecutorRecord[] {
    const now = Date.now();
    for (const [id, r] of records) if (r.expiresAt <= now) records.delete(id);
    return [...records.values()].sort((a, b) => b.issuedAt - a.issuedAt);
  }

  async function route(req: Request): Promise<Response | null> {
    const { pathname } = new URL(req.url);
    if (pathname !== "/v1/executors") return null;
    if (req.method === "GET" || req.method === "HEAD") {
      return Response.json({ executors: list() });
    }
    if (req.method !== "POST") return jsonError(405, "method_not_allowed", "GET or POST");
    const bytes = await readLimited(req.body, MAX_BODY);
    if (!bytes) return jsonError(413, "body_too_large", "record too large");
    let record: EdgeExecutorRecord;
    try {
      record = verifyExecutorRecord(JSON.parse(utf8Decode(bytes)), {
        maxTtlMs: options.maxTtlMs ?? MAX_RECORD_TTL_MS,
      });
    } catch (err) {
      const code = err instanceof PhaseError ? err.code : "executor_record_invalid";
      return jsonError(400, code, err instanceof Error ? err.message : String(err));
    }
    const old = records.get(record.executorPeerId);
    if (old && old.issuedAt > record.issuedAt) {
      return jsonError(409, "executor_record_stale", "a newer record is registered");
    }
    if (!old && list().length >= max) {
      return jsonError(503, "registry_full", "the registry is full");
    }
    if ((options.confirmUrl ?? true) && old?.url !== record.url) {
      const why = await urlMismatch(record, options.confirmTimeoutMs ?? 5000);
      if (why) return jsonError(400, "executor_url_unconfirmed", why);
      // A newer record may have come in while the URL answered.
      const now = records.get(record.executorPeerId);
      if (now && now.issuedAt > record.issuedAt) {
        return jsonError(409, "executor_record_stale", "a newer record is registered");
      }
    }
    records.set(record.executorPeerId, record);
    options.onRegistered?.(record);
    return Response.json({
      ok: true,
      executorPeerId: record.executorPeerId,
      expiresAt: record.expiresAt,
    });
  }

  return { route, list };
}
