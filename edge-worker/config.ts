/**
 * Edge worker configuration from environment variables (Cloudflare: `[vars]`
 * and secrets in the `env` object; Deno Deploy: `Deno.env`). Every variable:
 *
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | `PHASE_NODE_KEY` | secret: the worker's key file (JSON, `phase keys` format) | none: every request gets 500 |
 * | `PHASE_ALLOWED_SUBMITTERS` | submitter public keys (base64url) or peer ids, comma/space separated | empty |
 * | `PHASE_OPEN` | `true`: admit any validly signed manifest | `false` |
 * | `PHASE_RATE_LIMIT` | jobs per minute per submitter (0: no limit) | 60 |
 * | `PHASE_MAX_MEMORY_MB` | largest `limits.memoryMb` | 64 (Cloudflare), 256 (Deno Deploy) |
 * | `PHASE_MAX_TIMEOUT_MS` | largest `limits.timeoutMs` | 30000 |
 * | `PHASE_MAX_OUTPUT_BYTES` | largest `limits.maxOutputBytes` | 16 MiB |
 * | `PHASE_MAX_MODULE_BYTES` | largest module | 32 MiB |
 * | `PHASE_MAX_BODY_BYTES` | largest request body | 96 MiB |
 * | `PHASE_MAX_FUEL` | largest `limits.fuel`, and the budget of jobs without one (interp only) | 5e9 (Cloudflare: 10-20 s of CPU at the 250-477 M instr/s measured in workerd, inside the default 30 s `cpu_ms`) |
 * | `PHASE_RELAYS` | relay HTTP URLs to register with (`POST /v1/executors`), comma separated | none |
 * | `PHASE_PUBLIC_URL` | this worker's public base URL for the registry | the first request's origin |
 * | `PHASE_RECORD_TTL_MS` | TTL of registry records | 600000 |
 *
 * With neither `PHASE_OPEN` nor `PHASE_ALLOWED_SUBMITTERS` the worker admits
 * nobody (403 `submitter_not_allowed`): open mode is a deliberate choice.
 *
 * @module
 */

import { PhaseError } from "../shared/errors.ts";
import { decodeKeyFile, type KeyPair, publicKeyFromPeerId } from "../shared/crypto/mod.ts";
import { fromBase64Url, toBase64Url } from "../shared/encoding/mod.ts";
import type { EdgeLimits } from "../shared/edge/mod.ts";
import type { RuntimeKind } from "../shared/receipt/mod.ts";

/** Environment variables as both platforms hand them over. */
export type EdgeEnv = Record<string, unknown>;

/** A parsed configuration. */
export interface EdgeConfig {
  /** The signing key, or why there is none (every request then gets 500). */
  key: { keyPair: KeyPair } | { error: string };
  /** Admit any validly signed manifest. */
  open: boolean;
  /** Admitted submitter public keys (base64url). */
  allowed: Set<string>;
  /** Jobs per minute per submitter; 0 = unlimited. */
  ratePerMinute: number;
  /** Limits accepted. */
  limits: EdgeLimits;
  /** Relays to register with. */
  relays: string[];
  /** Own public URL for the registry. */
  publicUrl?: string;
  /** Registry record TTL, ms. */
  recordTtlMs: number;
}

/** Default limits per runtime. */
export function defaultLimits(runtime: RuntimeKind): EdgeLimits {
  const base = {
    timeoutMs: 30_000,
    maxOutputBytes: 16 * 1024 * 1024,
    moduleBytes: 32 * 1024 * 1024,
    bodyBytes: 96 * 1024 * 1024,
  };
  // Workers isolates have 128 MB in all; the interpreter's guest memory lives in it.
  return runtime === "cloudflare"
    ? { ...base, memoryMb: 64, fuel: 5_000_000_000 }
    : { ...base, memoryMb: 256 };
}

function str(env: EdgeEnv, name: string): string | undefined {
  const v = env[name];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

function num(env: EdgeEnv, name: string, fallback: number | undefined): number | undefined {
  const text = str(env, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new PhaseError("edge_config_invalid", `${name} must be a non-negative integer`);
  }
  return n;
}

function list(text: string | undefined): string[] {
  return (text ?? "").split(/[\s,]+/).filter((s) => s !== "");
}

/** A submitter key as base64url, from base64url or a libp2p peer id. */
function submitterKey(text: string): string {
  try {
    if (/^12D3Koo/.test(text)) return toBase64Url(publicKeyFromPeerId(text));
    const raw = fromBase64Url(text);
    if (raw.length === 32) return text;
  } catch {
    // reported below
  }
  throw new PhaseError(
    "edge_config_invalid",
    `PHASE_ALLOWED_SUBMITTERS: ${text} is neither a base64url Ed25519 key nor a peer id`,
  );
}

/** Reads the configuration; throws PhaseError `edge_config_invalid` for bad values. */
export function loadEdgeConfig(env: EdgeEnv, runtime: RuntimeKind): EdgeConfig {
  const defaults = defaultLimits(runtime);
  let key: EdgeConfig["key"];
  const keyText = str(env, "PHASE_NODE_KEY");
  if (keyText === undefined) {
    key = { error: "PHASE_NODE_KEY is not set: configure the worker's key file as a secret" };
  } else {
    try {
      key = { keyPair: decodeKeyFile(keyText) };
    } catch (err) {
      key = { error: `PHASE_NODE_KEY is not a valid key file: ${(err as Error).message}` };
    }
  }
  const limits: EdgeLimits = {
    memoryMb: num(env, "PHASE_MAX_MEMORY_MB", defaults.memoryMb)!,
    timeoutMs: num(env, "PHASE_MAX_TIMEOUT_MS", defaults.timeoutMs)!,
    maxOutputBytes: num(env, "PHASE_MAX_OUTPUT_BYTES", defaults.maxOutputBytes)!,
    moduleBytes: num(env, "PHASE_MAX_MODULE_BYTES", defaults.moduleBytes)!,
    bodyBytes: num(env, "PHASE_MAX_BODY_BYTES", defaults.bodyBytes)!,
  };
  const fuel = num(env, "PHASE_MAX_FUEL", defaults.fuel);
  if (fuel !== undefined && fuel > 0) limits.fuel = fuel;
  return {
    key,
    open: /^(1|true|yes)$/i.test(str(env, "PHASE_OPEN") ?? ""),
    allowed: new Set(list(str(env, "PHASE_ALLOWED_SUBMITTERS")).map(submitterKey)),
    ratePerMinute: num(env, "PHASE_RATE_LIMIT", 60)!,
    limits,
    relays: list(str(env, "PHASE_RELAYS")),
    publicUrl: str(env, "PHASE_PUBLIC_URL"),
    recordTtlMs: num(env, "PHASE_RECORD_TTL_MS", 10 * 60_000)!,
  };
}
