/**
 * Edge executor records: what an edge worker (Cloudflare Worker, Deno Deploy)
 * posts to a relay's `POST /v1/executors` to be advertised to submitters,
 * signed with the worker's own key (the key that signs its receipts).
 *
 * `signature` = Ed25519 over the SHA-256 of the canonical JSON (RFC 8785) of
 * the record without `signature`, unpadded base64url; the same rule as
 * receipts. A record is valid from `issuedAt` to `expiresAt` (ms since the
 * epoch); relays cap the TTL and drop expired records, so a worker re-posts
 * its record on a schedule (cron trigger, `Deno.cron`, or on requests).
 *
 * @module
 */

import { PhaseError } from "../errors.ts";
import { canonicalBytes, fromBase64Url, toBase64Url } from "../encoding/mod.ts";
import { type KeyPair, peerIdFromPublicKey, sha256, sign, verify } from "../crypto/mod.ts";
import type { JobManifest } from "../manifest/mod.ts";
import { RUNTIME_KINDS, type RuntimeKind } from "../receipt/mod.ts";

/** Limits an edge executor accepts (`GET /v1/info` states the same). */
export interface EdgeLimits {
  /** Largest `limits.memoryMb`. */
  memoryMb: number;
  /** Largest `limits.timeoutMs` (on Cloudflare: within the CPU-time budget). */
  timeoutMs: number;
  /** Largest `limits.maxOutputBytes`. */
  maxOutputBytes: number;
  /** Largest module, bytes. */
  moduleBytes: number;
  /** Largest request body, bytes. */
  bodyBytes: number;
  /** Largest `limits.fuel`, where the worker meters fuel (and the budget of jobs without one). */
  fuel?: number;
}

/** A job limit above an edge executor's: which one, the executor's maximum, the job's value. */
export interface LimitExceeded {
  limit: "memoryMb" | "timeoutMs" | "maxOutputBytes" | "moduleBytes" | "fuel";
  max: number;
  requested: number;
}

/** The first of the job's limits above `limits` (the worker refuses such jobs), or undefined. */
export function exceededLimit(
  limits: EdgeLimits,
  manifest: JobManifest,
): LimitExceeded | undefined {
  const m = manifest.limits;
  const over = (limit: LimitExceeded["limit"], max: number, requested: number) =>
    requested > max ? { limit, max, requested } : undefined;
  return over("memoryMb", limits.memoryMb, m.memoryMb) ??
    over("timeoutMs", limits.timeoutMs, m.timeoutMs) ??
    over("maxOutputBytes", limits.maxOutputBytes, m.maxOutputBytes) ??
    over("moduleBytes", limits.moduleBytes, manifest.module.size) ??
    (limits.fuel !== undefined && m.fuel !== undefined
      ? over("fuel", limits.fuel, m.fuel)
      : undefined);
}

/** A signed edge executor record. */
export interface EdgeExecutorRecord {
  /** Format version, always 1. */
  version: 1;
  /** Base URL of the worker (`POST <url>/v1/execute`). */
  url: string;
  /** Runtime kind, as in receipts. */
  runtime: RuntimeKind;
  /** Engine that runs jobs (`v8`, `interp`). */
  engine: string;
  /** Limits accepted. */
  limits: EdgeLimits;
  /** Raw Ed25519 public key, unpadded base64url. */
  executor: string;
  /** libp2p peer id of the same key (receipts name it). */
  executorPeerId: string;
  /** Signed at, ms since the epoch. */
  issuedAt: number;
  /** Void after, ms since the epoch. */
  expiresAt: number;
  /** Signature (see module doc). */
  signature: string;
}

/** Longest TTL a relay accepts by default: one hour. */
export const MAX_RECORD_TTL_MS = 60 * 60_000;

/** Options of {@linkcode signExecutorRecord}. */
export interface SignRecordOptions {
  /** Validity, ms (default 10 minutes). */
  ttlMs?: number;
  /** Clock (default `Date.now()`). */
  now?: number;
}

/** Signs a record for `url` with the worker's key. */
export function signExecutorRecord(
  fields: Pick<EdgeExecutorRecord, "url" | "runtime" | "engine" | "limits">,
  keyPair: KeyPair,
  options: SignRecordOptions = {},
): EdgeExecutorRecord {
  const now = options.now ?? Date.now();
  const unsigned = {
    version: 1 as const,
    url: fields.url,
    runtime: fields.runtime,
    engine: fields.engine,
    limits: fields.limits,
    executor: toBase64Url(keyPair.publicKey),
    executorPeerId: peerIdFromPublicKey(keyPair.publicKey),
    issuedAt: now,
    expiresAt: now + (options.ttlMs ?? 10 * 60_000),
  };
  const signature = sign(sha256(canonicalBytes(unsigned)), keyPair.secretKey);
  return { ...unsigned, signature: toBase64Url(signature) };
}

/** Options of {@linkcode verifyExecutorRecord}. */
export interface VerifyRecordOptions {
  /** Clock (default `Date.now()`). */
  now?: number;
  /** Longest accepted TTL (default {@linkcode MAX_RECORD_TTL_MS}). */
  maxTtlMs?: number;
}

/**
 * Checks untrusted `value` as a record: shape, URL, peer id, signature and
 * validity window. Returns a clean copy; PhaseError `executor_record_invalid`,
 * `executor_record_bad_signature` or `executor_record_expired` otherwise.
 */
export function verifyExecutorRecord(
  value: unknown,
  options: VerifyRecordOptions = {},
): EdgeExecutorRecord {
  const bad = (why: string) => new PhaseError("executor_record_invalid", `executor record ${why}`);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw bad("must be a JSON object");
  }
  const r = value as Record<string, unknown>;
  const allowed = [
    "version",
    "url",
    "runtime",
    "engine",
    "limits",
    "executor",
    "executorPeerId",
    "issuedAt",
    "expiresAt",
    "signature",
  ];
  for (const key of Object.keys(r)) if (!allowed.includes(key)) throw bad(`has unknown ${key}`);
  if (r.version !== 1) throw bad("version must be 1");
  if (typeof r.url !== "string" || r.url.length > 2048 || !/^https?:\/\/[^\s]+$/.test(r.url)) {
    throw bad("url must be an http(s) URL");
  }
  if (!RUNTIME_KINDS.includes(r.runtime as RuntimeKind)) throw bad("runtime is unknown");
  if (typeof r.engine !== "string" || r.engine.length < 1 || r.engine.length > 64) {
    throw bad("engine must be a short string");
  }
  const limits = r.limits as Record<string, unknown>;
  if (typeof limits !== "object" || limits === null) throw bad("limits must be an object");
  for (const key of ["memoryMb", "timeoutMs", "maxOutputBytes", "moduleBytes", "bodyBytes"]) {
    if (!Number.isSafeInteger(limits[key]) || (limits[key] as number) < 0) {
      throw bad(`limits.${key} must be a non-negative integer`);
    }
  }
  for (const key of ["issuedAt", "expiresAt"]) {
    if (!Number.isSafeInteger(r[key]) || (r[key] as number) < 0) throw bad(`${key} bad`);
  }
  let key: Uint8Array;
  let signature: Uint8Array;
  try {
    key = fromBase64Url(String(r.executor));
    signature = fromBase64Url(String(r.signature));
  } catch {
    throw bad("executor or signature is not base64url");
  }
  if (key.length !== 32 || signature.length !== 64) throw bad("key or signature length");
  if (peerIdFromPublicKey(key) !== r.executorPeerId) throw bad("executorPeerId mismatch");
  const { signature: _, ...unsigned } = r;
  if (!verify(signature, sha256(canonicalBytes(unsigned)), key)) {
    throw new PhaseError("executor_record_bad_signature", "executor record signature is wrong");
  }
  const now = options.now ?? Date.now();
  const issuedAt = r.issuedAt as number;
  const expiresAt = r.expiresAt as number;
  if (expiresAt <= now) throw new PhaseError("executor_record_expired", "record has expired");
  if (expiresAt - Math.min(issuedAt, now) > (options.maxTtlMs ?? MAX_RECORD_TTL_MS)) {
    throw bad("TTL is longer than this relay accepts");
  }
  if (issuedAt > now + 5 * 60_000) throw bad("is issued in the future");
  return structuredClone(r) as unknown as EdgeExecutorRecord;
}
