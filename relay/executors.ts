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
}

/** The registry: a route plus a view of the live records. */
export interface ExecutorRegistry {
  /** Route for /v1/executors (null for other paths). */
  route(req: Request): Promise<Response | null>;
  /** Unexpired records, newest first. */
  list(): EdgeExecutorRecord[];
}

const MAX_BODY = 16 * 1024;

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
