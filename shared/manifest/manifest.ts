/**
 * Job manifest: build, validate, id, signature.
 *
 * Exact byte-level choices (version 1):
 *
 * - `id` = lowercase hex SHA-256 of the UTF-8 bytes of the RFC 8785 canonical
 *   JSON of the manifest with `id` and `signature` removed.
 * - `signature` = Ed25519 (RFC 8032, by `submitter`) over the UTF-8 bytes of
 *   the canonical JSON of the manifest with only `signature` removed (so `id`
 *   is signed too), encoded as unpadded base64url.
 * - Optional fields (`module.url`, `limits.fuel`) are absent when unused,
 *   never `null`; `stdin` is `null` when there is none.
 * - Paths (`files` keys, `outputs`) are absolute from the WASI root and
 *   normalised: start with `/`, no empty, `.` or `..` segments, no trailing
 *   `/`, no NUL, segments of at most 255 UTF-16 units.
 * - `deadline` is only checked for shape here; whether it has passed is the
 *   scheduler's and executor's business (they know the clock).
 *
 * Every rejection is a {@linkcode PhaseError}: `manifest_invalid_field`,
 * `manifest_missing_field`, `manifest_unknown_field`, `manifest_limit_exceeded`
 * (configurable maxima), `manifest_id_mismatch`, `manifest_bad_signature`,
 * `manifest_invalid_json`, each with the field path in the message.
 *
 * @module
 */

import { PhaseError } from "../errors.ts";
import { canonicalBytes, fromBase64Url, toBase64Url, toHex } from "../encoding/mod.ts";
import { type KeyPair, sha256Hex, sign, verify, verifyAsync } from "../crypto/mod.ts";
import { Checker } from "./_check.ts";
import type {
  BlobRef,
  BuildManifestOptions,
  JobLimits,
  JobManifest,
  ManifestInput,
  ManifestMaxima,
  ValidateManifestOptions,
} from "./types.ts";

/** Limits applied by {@linkcode buildManifest} where the input gives none. */
export const DEFAULT_LIMITS: Readonly<JobLimits> = Object.freeze({
  memoryMb: 256,
  timeoutMs: 30_000,
  maxOutputBytes: 16 * 1024 * 1024,
});

/** Default upper bounds of {@linkcode validateManifest}. */
export const DEFAULT_MAXIMA: Readonly<ManifestMaxima> = Object.freeze({
  memoryMb: 4096,
  timeoutMs: 3_600_000,
  maxOutputBytes: 1024 * 1024 * 1024,
  fuel: Number.MAX_SAFE_INTEGER,
  redundancy: 16,
  moduleBytes: 256 * 1024 * 1024,
  inputBytes: 1024 * 1024 * 1024,
  args: 4096,
  env: 4096,
  files: 4096,
  outputs: 1024,
  stringLength: 65_536,
  argsEnvLength: 1024 * 1024,
  pathLength: 4096,
  urlLength: 2048,
});

/** Default time from now to a built manifest's deadline. */
export const DEFAULT_DEADLINE_MS = 10 * 60 * 1000;

/** Largest manifest text {@linkcode parseManifest} reads (bytes of UTF-16 units). */
export const MAX_MANIFEST_TEXT = 4 * 1024 * 1024;

const FIELDS = [
  "version",
  "id",
  "module",
  "entry",
  "args",
  "env",
  "stdin",
  "files",
  "outputs",
  "limits",
  "redundancy",
  "deadline",
  "nonce",
  "submitter",
  "signature",
] as const;

const check = new Checker("manifest");

function withoutSignature(manifest: JobManifest): Omit<JobManifest, "signature"> {
  const { signature: _, ...rest } = manifest;
  return rest;
}

/** The job id of `manifest`: SHA-256 hex of its canonical JSON without `id` and `signature`. */
export function computeJobId(manifest: Omit<JobManifest, "id" | "signature">): string {
  const { id: _i, signature: _s, ...rest } = manifest as JobManifest;
  return sha256Hex(canonicalBytes(rest));
}

/** The bytes the submitter signs: canonical JSON of the manifest without `signature`. */
export function manifestSigningBytes(manifest: Omit<JobManifest, "signature">): Uint8Array {
  return canonicalBytes(withoutSignature(manifest as JobManifest));
}

/**
 * SHA-256 hex of the job's input as the executor sees it: canonical JSON of
 * `{args, entry, env, files, stdin}` copied from the manifest (file and stdin
 * contents enter through their hashes). Receipts carry it as `inputSha256`.
 */
export function inputSha256(
  manifest: Pick<JobManifest, "entry" | "args" | "env" | "stdin" | "files">,
): string {
  const { entry, args, env, stdin, files } = manifest;
  return sha256Hex(canonicalBytes({ entry, args, env, stdin, files }));
}

function maximaOf(options: ValidateManifestOptions): ManifestMaxima {
  return { ...DEFAULT_MAXIMA, ...options.maxima };
}

function checkPath(value: unknown, path: string, max: ManifestMaxima): string {
  const p = check.string(value, path, 2, max.pathLength);
  if (!p.startsWith("/")) throw check.fail("invalid_field", path, "must be an absolute path");
  for (const segment of p.slice(1).split("/")) {
    if (segment === "" || segment === "." || segment === "..") {
      throw check.fail("invalid_field", path, "must be a normalised path (no //, ., ..)");
    }
    if (segment.length > 255) throw check.fail("invalid_field", path, "has a segment over 255");
  }
  return p;
}

function checkBlob(value: unknown, path: string, maxSize: number): BlobRef {
  const o = check.object(value, path, ["sha256", "size"]);
  return {
    sha256: check.hex(o.sha256, `${path}.sha256`, 32),
    size: check.integer(o.size, `${path}.size`, 0, maxSize, true),
  };
}

function checkUrl(value: unknown, path: string, max: number): string {
  const text = check.string(value, path, 1, max);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw check.fail("invalid_field", path, "must be an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw check.fail("invalid_field", path, "must be an http: or https: URL");
  }
  return text;
}

/**
 * Checks every field of `value` (shape, types, sizes, maxima) and returns a
 * clean copy typed as {@linkcode JobManifest}. Does not check id or signature.
 */
export function checkManifestShape(
  value: unknown,
  options: ValidateManifestOptions = {},
): JobManifest {
  const max = maximaOf(options);
  const m = check.object(value, "", FIELDS);
  if (m.version !== 1) {
    throw check.fail("invalid_field", "version", `must be 1 (got ${JSON.stringify(m.version)})`);
  }
  const id = check.hex(m.id, "id", 32);

  const mod = check.object(m.module, "module", ["sha256", "size"], ["url"]);
  const module: JobManifest["module"] = {
    sha256: check.hex(mod.sha256, "module.sha256", 32),
    size: check.integer(mod.size, "module.size", 8, max.moduleBytes, true),
  };
  if (Object.hasOwn(mod, "url")) module.url = checkUrl(mod.url, "module.url", max.urlLength);

  const entry = check.string(m.entry, "entry", 1, Math.min(max.stringLength, 1024));

  let argsEnvLength = 0;
  const args = check.array(m.args, "args", max.args).map((a, i) => {
    const s = check.string(a, `args[${i}]`, 0, max.stringLength);
    argsEnvLength += s.length;
    return s;
  });

  const envObj = check.record(m.env, "env");
  const envKeys = Object.keys(envObj);
  if (envKeys.length > max.env) {
    throw check.fail("limit_exceeded", "env", `has more than ${max.env} entries`);
  }
  const env: Record<string, string> = {};
  for (const key of envKeys) {
    const path = `env[${JSON.stringify(key.slice(0, 64))}]`;
    check.string(key, path, 1, max.stringLength);
    if (key.includes("=")) throw check.fail("invalid_field", path, "name contains '='");
    env[key] = check.string(envObj[key], path, 0, max.stringLength);
    argsEnvLength += key.length + env[key].length;
  }
  if (argsEnvLength > max.argsEnvLength) {
    throw check.fail("limit_exceeded", "args+env", `exceed ${max.argsEnvLength} characters`);
  }

  const stdin = m.stdin === null ? null : checkBlob(m.stdin, "stdin", max.inputBytes);

  const filesObj = check.record(m.files, "files");
  const fileKeys = Object.keys(filesObj);
  if (fileKeys.length > max.files) {
    throw check.fail("limit_exceeded", "files", `has more than ${max.files} entries`);
  }
  const files: Record<string, BlobRef> = {};
  for (const key of fileKeys) {
    const path = `files[${JSON.stringify(key.slice(0, 64))}]`;
    checkPath(key, path, max);
    files[key] = checkBlob(filesObj[key], path, max.inputBytes);
  }

  const outputs = check.array(m.outputs, "outputs", max.outputs).map((p, i) =>
    checkPath(p, `outputs[${i}]`, max)
  );
  if (new Set(outputs).size !== outputs.length) {
    throw check.fail("invalid_field", "outputs", "lists a path twice");
  }

  const lim = check.object(m.limits, "limits", ["memoryMb", "timeoutMs", "maxOutputBytes"], [
    "fuel",
  ]);
  const limits: JobLimits = {
    memoryMb: check.integer(lim.memoryMb, "limits.memoryMb", 1, max.memoryMb, true),
    timeoutMs: check.integer(lim.timeoutMs, "limits.timeoutMs", 1, max.timeoutMs, true),
    maxOutputBytes: check.integer(
      lim.maxOutputBytes,
      "limits.maxOutputBytes",
      0,
      max.maxOutputBytes,
      true,
    ),
  };
  if (Object.hasOwn(lim, "fuel")) {
    limits.fuel = check.integer(lim.fuel, "limits.fuel", 1, max.fuel, true);
  }

  return {
    version: 1,
    id,
    module,
    entry,
    args,
    env,
    stdin,
    files,
    outputs,
    limits,
    redundancy: check.integer(m.redundancy, "redundancy", 1, max.redundancy, true),
    deadline: check.integer(m.deadline, "deadline", 0, Number.MAX_SAFE_INTEGER),
    nonce: check.hex(m.nonce, "nonce", 32, 8),
    submitter: check.base64url(m.submitter, "submitter", 32),
    signature: check.base64url(m.signature, "signature", 64),
  };
}

function decodeB64(text: string, path: string): Uint8Array {
  try {
    return fromBase64Url(text);
  } catch {
    throw check.fail("invalid_field", path, "is not canonical base64url");
  }
}

function checkId(manifest: JobManifest): { signature: Uint8Array; submitter: Uint8Array } {
  if (computeJobId(manifest) !== manifest.id) {
    throw new PhaseError("manifest_id_mismatch", "manifest id does not match its content");
  }
  return {
    signature: decodeB64(manifest.signature, "signature"),
    submitter: decodeB64(manifest.submitter, "submitter"),
  };
}

function badSignature(): PhaseError {
  return new PhaseError("manifest_bad_signature", "manifest signature does not verify");
}

/**
 * Checks id and signature of a manifest whose shape is already known good
 * (for example one returned by {@linkcode validateManifest}); throws
 * `manifest_id_mismatch` or `manifest_bad_signature`.
 */
export function verifyManifest(manifest: JobManifest): void {
  const { signature, submitter } = checkId(manifest);
  if (!verify(signature, manifestSigningBytes(manifest), submitter)) throw badSignature();
}

/**
 * Full validation of untrusted `value`: every field, the maxima, the id and
 * the submitter's signature. Returns a clean {@linkcode JobManifest} copy.
 */
export function validateManifest(
  value: unknown,
  options: ValidateManifestOptions = {},
): JobManifest {
  const manifest = checkManifestShape(value, options);
  verifyManifest(manifest);
  return manifest;
}

/** {@linkcode validateManifest} with the signature checked through WebCrypto when available. */
export async function validateManifestAsync(
  value: unknown,
  options: ValidateManifestOptions = {},
): Promise<JobManifest> {
  const manifest = checkManifestShape(value, options);
  const { signature, submitter } = checkId(manifest);
  if (!(await verifyAsync(signature, manifestSigningBytes(manifest), submitter))) {
    throw badSignature();
  }
  return manifest;
}

/** Parses manifest JSON `text` and {@linkcode validateManifest}s it. */
export function parseManifest(text: string, options: ValidateManifestOptions = {}): JobManifest {
  if (typeof text !== "string" || text.length > MAX_MANIFEST_TEXT) {
    throw new PhaseError("manifest_invalid_json", "manifest text is missing or too large");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PhaseError("manifest_invalid_json", "manifest is not valid JSON", { cause: err });
  }
  return validateManifest(value, options);
}

/**
 * Builds a signed manifest from `input`: fills defaults, computes `id`, signs
 * with `keyPair`, and validates the result (so it never returns a manifest
 * other nodes would reject under the same maxima).
 */
export function buildManifest(
  input: ManifestInput,
  keyPair: KeyPair,
  options: BuildManifestOptions = {},
): JobManifest {
  const now = options.now ?? Date.now();
  const module: JobManifest["module"] = { sha256: input.module.sha256, size: input.module.size };
  if (input.module.url !== undefined) module.url = input.module.url;
  const limits: JobLimits = {
    memoryMb: input.limits?.memoryMb ?? DEFAULT_LIMITS.memoryMb,
    timeoutMs: input.limits?.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
    maxOutputBytes: input.limits?.maxOutputBytes ?? DEFAULT_LIMITS.maxOutputBytes,
  };
  if (input.limits?.fuel !== undefined) limits.fuel = input.limits.fuel;
  let nonce = input.nonce;
  if (nonce === undefined) {
    const random = new Uint8Array(16);
    globalThis.crypto.getRandomValues(random);
    nonce = toHex(random);
  }
  const unsigned = {
    version: 1 as const,
    module,
    entry: input.entry ?? "_start",
    args: input.args ?? [],
    env: input.env ?? {},
    stdin: input.stdin ?? null,
    files: input.files ?? {},
    outputs: input.outputs ?? [],
    limits,
    redundancy: input.redundancy ?? 1,
    deadline: input.deadline ?? now + DEFAULT_DEADLINE_MS,
    nonce,
    submitter: toBase64Url(keyPair.publicKey),
  };
  // Shape first, so callers get field errors rather than canonicalisation errors.
  checkManifestShape({ ...unsigned, id: "0".repeat(64), signature: "A".repeat(86) }, options);
  const id = sha256Hex(canonicalBytes(unsigned));
  const withId = { ...unsigned, id };
  const signature = toBase64Url(sign(canonicalBytes(withId), keyPair.secretKey));
  return validateManifest({ ...withId, signature }, options);
}
