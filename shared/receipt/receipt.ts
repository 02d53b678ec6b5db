/**
 * Receipts: what an executor signs about a run.
 *
 * Exact byte-level choices (version 1):
 *
 * - `signature` = Ed25519 (RFC 8032, by `executor`) over the 32-byte SHA-256
 *   digest of the UTF-8 RFC 8785 canonical JSON of the receipt without
 *   `signature`; unpadded base64url.
 * - `outputSha256` = SHA-256 hex of the canonical JSON of
 *   `{exitCode, files: {path: sha256hex}, status, stderr: sha256hex, stdout: sha256hex}`
 *   (see {@linkcode outputSha256}), so a receipt covers status, exit code,
 *   both streams and every collected output file, while staying small.
 * - `inputSha256` is the manifest's `inputSha256` (see shared/manifest).
 * - `executor` is the raw Ed25519 public key (base64url) and `executorPeerId`
 *   the libp2p peer id of the same key; both are present so receipts can be
 *   matched against the sending peer without decoding, and verification checks
 *   they agree.
 * - `wallMs`, `startedAt`, `fuelUsed` are integers (ms, ms since epoch,
 *   instructions); {@linkcode buildReceipt} rounds a fractional `wallMs`.
 *   `fuelUsed` is absent when the engine does not meter.
 * - `status` is the executor's status string (`ok`, `exit`, `trap`, ...);
 *   checked for shape (`[a-z][a-z0-9_]*`, at most 64), not against a fixed
 *   list, so a new executor status does not invalidate the format.
 *
 * Replay protection (the same receipt sent twice) belongs to the scheduler.
 * Error codes: `receipt_invalid_field`, `receipt_missing_field`,
 * `receipt_unknown_field`, `receipt_limit_exceeded` (over-long strings),
 * `receipt_peer_id_mismatch`, `receipt_bad_signature`,
 * `receipt_job_mismatch`, `receipt_output_mismatch`, `receipt_invalid_json`.
 *
 * @module
 */

import { PhaseError } from "../errors.ts";
import { canonicalBytes, fromBase64Url, toBase64Url } from "../encoding/mod.ts";
import {
  type KeyPair,
  peerIdFromPublicKey,
  sha256,
  sha256Hex,
  sign,
  verify,
  verifyAsync,
} from "../crypto/mod.ts";
import { inputSha256, type JobManifest } from "../manifest/mod.ts";
import { Checker } from "../manifest/_check.ts";

/** Where a job ran. */
export type RuntimeKind = "browser" | "deno" | "cloudflare" | "deno-deploy";

/** The runtime kinds a receipt may name. */
export const RUNTIME_KINDS: readonly RuntimeKind[] = [
  "browser",
  "deno",
  "cloudflare",
  "deno-deploy",
];

/** A signed receipt (version 1). */
export interface Receipt {
  /** Format version, always 1. */
  version: 1;
  /** The manifest's `id`. */
  jobId: string;
  /** The manifest's `module.sha256`. */
  moduleSha256: string;
  /** `inputSha256(manifest)`. */
  inputSha256: string;
  /** `outputSha256(output)`. */
  outputSha256: string;
  /** Executor status string (`ok`, `exit`, `trap`, `timeout`, ...). */
  status: string;
  /** Exit code (`-1` when the guest did not exit by itself). */
  exitCode: number;
  /** Run start, ms since the Unix epoch. */
  startedAt: number;
  /** Wall time of the run in whole milliseconds. */
  wallMs: number;
  /** Fuel used, where metered. */
  fuelUsed?: number;
  /** Runtime kind and engine name. */
  runtime: { kind: RuntimeKind; engine: string };
  /** Executor's raw Ed25519 public key, unpadded base64url. */
  executor: string;
  /** libp2p peer id of the same key. */
  executorPeerId: string;
  /** Ed25519 signature, unpadded base64url (see module doc). */
  signature: string;
}

/** The fields an executor fills in; {@linkcode buildReceipt} adds the rest. */
export type ReceiptFields = Omit<Receipt, "version" | "executor" | "executorPeerId" | "signature">;

/** What a job produced. */
export interface JobOutput {
  /** Executor status string. */
  status: string;
  /** Exit code. */
  exitCode: number;
  /** Standard output bytes. */
  stdout: Uint8Array;
  /** Standard error bytes. */
  stderr: Uint8Array;
  /** Collected output files by absolute path. */
  files: Record<string, Uint8Array>;
}

/** Options of {@linkcode verifyReceipt}: what to check the receipt against. */
export interface VerifyReceiptOptions {
  /** The job; checks `jobId`, `moduleSha256`, `inputSha256` (and output paths if `output` is given). */
  manifest?: JobManifest;
  /** The output; checks `outputSha256`, `status`, `exitCode`. */
  output?: JobOutput;
}

/** Largest receipt text {@linkcode parseReceipt} reads. */
export const MAX_RECEIPT_TEXT = 64 * 1024;

const FIELDS = [
  "version",
  "jobId",
  "moduleSha256",
  "inputSha256",
  "outputSha256",
  "status",
  "exitCode",
  "startedAt",
  "wallMs",
  "runtime",
  "executor",
  "executorPeerId",
  "signature",
];
const STATUS_RE = /^[a-z][a-z0-9_]*$/;
const check = new Checker("receipt");

/** SHA-256 hex over status, exit code, stdout, stderr and output files (see module doc). */
export function outputSha256(output: JobOutput): string {
  const files: Record<string, string> = {};
  for (const [path, bytes] of Object.entries(output.files)) files[path] = sha256Hex(bytes);
  return sha256Hex(canonicalBytes({
    status: output.status,
    exitCode: output.exitCode,
    stdout: sha256Hex(output.stdout),
    stderr: sha256Hex(output.stderr),
    files,
  }));
}

/** The 32 bytes an executor signs: SHA-256 of the canonical receipt without `signature`. */
export function receiptDigest(receipt: Omit<Receipt, "signature">): Uint8Array {
  const { signature: _, ...rest } = receipt as Receipt;
  return sha256(canonicalBytes(rest));
}

/** Checks every field's shape and returns a clean copy; no signature check. */
export function checkReceiptShape(value: unknown): Receipt {
  const r = check.object(value, "", FIELDS, ["fuelUsed"]);
  if (r.version !== 1) {
    throw check.fail("invalid_field", "version", `must be 1 (got ${JSON.stringify(r.version)})`);
  }
  const status = check.string(r.status, "status", 1, 64);
  if (!STATUS_RE.test(status)) throw check.fail("invalid_field", "status", "must be snake_case");
  const rt = check.object(r.runtime, "runtime", ["kind", "engine"]);
  if (!RUNTIME_KINDS.includes(rt.kind as RuntimeKind)) {
    throw check.fail("invalid_field", "runtime.kind", `must be one of ${RUNTIME_KINDS.join(", ")}`);
  }
  const receipt: Receipt = {
    version: 1,
    jobId: check.hex(r.jobId, "jobId", 32),
    moduleSha256: check.hex(r.moduleSha256, "moduleSha256", 32),
    inputSha256: check.hex(r.inputSha256, "inputSha256", 32),
    outputSha256: check.hex(r.outputSha256, "outputSha256", 32),
    status,
    exitCode: check.integer(r.exitCode, "exitCode", -(2 ** 31), 2 ** 32 - 1),
    startedAt: check.integer(r.startedAt, "startedAt", 0, Number.MAX_SAFE_INTEGER),
    wallMs: check.integer(r.wallMs, "wallMs", 0, Number.MAX_SAFE_INTEGER),
    runtime: {
      kind: rt.kind as RuntimeKind,
      engine: check.string(rt.engine, "runtime.engine", 1, 128),
    },
    executor: check.base64url(r.executor, "executor", 32),
    executorPeerId: check.string(r.executorPeerId, "executorPeerId", 1, 64),
    signature: check.base64url(r.signature, "signature", 64),
  };
  if (Object.hasOwn(r, "fuelUsed")) {
    receipt.fuelUsed = check.integer(r.fuelUsed, "fuelUsed", 0, Number.MAX_SAFE_INTEGER);
  }
  return receipt;
}

function decodeB64(text: string, path: string): Uint8Array {
  try {
    return fromBase64Url(text);
  } catch {
    throw check.fail("invalid_field", path, "is not canonical base64url");
  }
}

function prepare(value: unknown) {
  const receipt = checkReceiptShape(value);
  const executor = decodeB64(receipt.executor, "executor");
  const signature = decodeB64(receipt.signature, "signature");
  if (peerIdFromPublicKey(executor) !== receipt.executorPeerId) {
    throw new PhaseError(
      "receipt_peer_id_mismatch",
      "receipt executorPeerId is not the peer id of its executor key",
    );
  }
  return { receipt, executor, signature, digest: receiptDigest(receipt) };
}

function checkAgainst(receipt: Receipt, options: VerifyReceiptOptions): void {
  const { manifest, output } = options;
  if (manifest) {
    const mismatch = (field: string) =>
      new PhaseError("receipt_job_mismatch", `receipt ${field} does not match the job`);
    if (receipt.jobId !== manifest.id) throw mismatch("jobId");
    if (receipt.moduleSha256 !== manifest.module.sha256) throw mismatch("moduleSha256");
    if (receipt.inputSha256 !== inputSha256(manifest)) throw mismatch("inputSha256");
  }
  if (output) {
    const mismatch = (why: string) => new PhaseError("receipt_output_mismatch", `receipt ${why}`);
    if (receipt.status !== output.status) throw mismatch("status differs from the output's");
    if (receipt.exitCode !== output.exitCode) throw mismatch("exitCode differs from the output's");
    if (manifest) {
      for (const path of Object.keys(output.files)) {
        if (!manifest.outputs.includes(path)) throw mismatch(`covers unrequested file ${path}`);
      }
    }
    if (receipt.outputSha256 !== outputSha256(output)) {
      throw mismatch("outputSha256 does not cover this output");
    }
  }
}

function badSignature(): PhaseError {
  return new PhaseError("receipt_bad_signature", "receipt signature does not verify");
}

/**
 * Verifies untrusted `value` as a receipt: every field, executor key vs peer
 * id, the signature, and, when given, the manifest and output it must cover.
 * Returns a clean {@linkcode Receipt} copy; throws PhaseError otherwise.
 */
export function verifyReceipt(value: unknown, options: VerifyReceiptOptions = {}): Receipt {
  const { receipt, executor, signature, digest } = prepare(value);
  if (!verify(signature, digest, executor)) throw badSignature();
  checkAgainst(receipt, options);
  return receipt;
}

/** {@linkcode verifyReceipt} with the signature checked through WebCrypto when available. */
export async function verifyReceiptAsync(
  value: unknown,
  options: VerifyReceiptOptions = {},
): Promise<Receipt> {
  const { receipt, executor, signature, digest } = prepare(value);
  if (!(await verifyAsync(signature, digest, executor))) throw badSignature();
  checkAgainst(receipt, options);
  return receipt;
}

/** Parses receipt JSON `text` and {@linkcode verifyReceipt}s it. */
export function parseReceipt(text: string, options: VerifyReceiptOptions = {}): Receipt {
  if (typeof text !== "string" || text.length > MAX_RECEIPT_TEXT) {
    throw new PhaseError("receipt_invalid_json", "receipt text is missing or too large");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PhaseError("receipt_invalid_json", "receipt is not valid JSON", { cause: err });
  }
  return verifyReceipt(value, options);
}

/**
 * Builds and signs a receipt with the executor's `keyPair` (fills `version`,
 * `executor`, `executorPeerId`; rounds `wallMs`). The result passes
 * {@linkcode verifyReceipt}.
 */
export function buildReceipt(fields: ReceiptFields, keyPair: KeyPair): Receipt {
  const unsigned: Omit<Receipt, "signature"> = {
    version: 1,
    jobId: fields.jobId,
    moduleSha256: fields.moduleSha256,
    inputSha256: fields.inputSha256,
    outputSha256: fields.outputSha256,
    status: fields.status,
    exitCode: fields.exitCode,
    startedAt: Math.round(fields.startedAt),
    wallMs: Math.max(0, Math.round(fields.wallMs)),
    runtime: { kind: fields.runtime.kind, engine: fields.runtime.engine },
    executor: toBase64Url(keyPair.publicKey),
    executorPeerId: peerIdFromPublicKey(keyPair.publicKey),
  };
  if (fields.fuelUsed !== undefined) unsigned.fuelUsed = fields.fuelUsed;
  // Shape first, so callers get field errors rather than canonicalisation errors.
  checkReceiptShape({ ...unsigned, signature: "A".repeat(86) });
  const signature = toBase64Url(sign(receiptDigest(unsigned), keyPair.secretKey));
  return { ...unsigned, signature };
}
