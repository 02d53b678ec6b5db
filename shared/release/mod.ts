/**
 * Release manifests: the signed list of a release's artifacts (file name,
 * arch, size, SHA-256) that relays serve under `/v1/releases/manifest.json`
 * and that `phase release verify` checks a downloaded set against.
 *
 * Runtime-agnostic: no file or network access; callers pass bytes in.
 *
 * The signature is Ed25519 over the SHA-256 of the canonical JSON (RFC 8785)
 * of the manifest without its `signature` field, the same rule receipts use.
 *
 * @example
 * ```ts
 * const manifest = buildReleaseManifest({ product: "phase-relay", release: "0.1.0",
 *   channel: "stable", artifacts }, releaseKey);
 * verifyReleaseManifest(manifest, { publicKey: releaseKey.publicKey });
 * verifyArtifact(manifest.artifacts[0], bytes);
 * ```
 *
 * @module
 */

import { PhaseError } from "../errors.ts";
import { type KeyPair, sha256, sha256Hex, sign, verify } from "../crypto/mod.ts";
import { canonicalBytes, fromBase64Url, toBase64Url } from "../encoding/mod.ts";
import { type Arch, normalizeArch } from "./arch.ts";

export { type Arch, ARCHES, debianArch, normalizeArch } from "./arch.ts";

/** Format version written into every manifest. */
export const RELEASE_MANIFEST_VERSION = 1;

/** One downloadable file of a release. */
export interface ReleaseArtifact {
  /** File name, no directories (served as `/v1/releases/{channel}/{arch}/{file}`). */
  file: string;
  /** Canonical architecture. */
  arch: Arch;
  /** What the file is, e.g. `deb`, `tarball`. */
  kind: string;
  /** Size in bytes. */
  size: number;
  /** Lowercase hex SHA-256 of the file. */
  sha256: string;
}

/** A signed release manifest. */
export interface ReleaseManifest {
  /** Format version, {@linkcode RELEASE_MANIFEST_VERSION}. */
  version: number;
  /** Product name, e.g. `phase-relay`. */
  product: string;
  /** Release version, e.g. `0.1.0`. */
  release: string;
  /** Channel, e.g. `stable`. */
  channel: string;
  /** ISO 8601 build time. */
  createdAt: string;
  /** The artifacts, sorted by arch then file name. */
  artifacts: ReleaseArtifact[];
  /** Release public key, base64url of the raw 32 bytes. */
  publicKey: string;
  /** Ed25519 signature, base64url. */
  signature: string;
}

/** Input of {@linkcode buildReleaseManifest}. */
export interface ReleaseManifestInput {
  /** Product name. */
  product: string;
  /** Release version. */
  release: string;
  /** Channel name. */
  channel: string;
  /** Artifacts; `arch` may be an alias, it is normalized. */
  artifacts: Array<Omit<ReleaseArtifact, "arch"> & { arch: string }>;
  /** ISO 8601 build time; defaults to now. */
  createdAt?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,199}$/;
const CHANNEL = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const HEX64 = /^[0-9a-f]{64}$/;

function fail(code: string, message: string): never {
  throw new PhaseError(code, message);
}

/** True when `name` is a safe artifact file name (no slashes, no leading dot). */
export function isArtifactFileName(name: string): boolean {
  return NAME.test(name) && !name.includes("..");
}

/** True when `name` is a valid channel name. */
export function isChannelName(name: string): boolean {
  return CHANNEL.test(name);
}

function unsigned(
  manifest: Omit<ReleaseManifest, "signature">,
): Omit<ReleaseManifest, "signature"> {
  const { signature: _drop, ...rest } = manifest as ReleaseManifest;
  return rest;
}

function digest(manifest: Omit<ReleaseManifest, "signature">): Uint8Array {
  return sha256(canonicalBytes(unsigned(manifest)));
}

/** Builds and signs a release manifest with the release key. */
export function buildReleaseManifest(
  input: ReleaseManifestInput,
  keyPair: KeyPair,
): ReleaseManifest {
  const artifacts = input.artifacts.map((a) => {
    const arch = normalizeArch(a.arch) ?? fail("release_invalid_arch", `unknown arch: ${a.arch}`);
    return { file: a.file, arch, kind: a.kind, size: a.size, sha256: a.sha256 };
  }).sort((a, b) =>
    a.arch === b.arch ? (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) : a.arch < b.arch ? -1 : 1
  );
  const body = {
    version: RELEASE_MANIFEST_VERSION,
    product: input.product,
    release: input.release,
    channel: input.channel,
    createdAt: input.createdAt ?? new Date().toISOString(),
    artifacts,
    publicKey: toBase64Url(keyPair.publicKey),
  };
  const manifest = { ...body, signature: "" };
  validateReleaseManifest(manifest);
  manifest.signature = toBase64Url(sign(digest(body), keyPair.secretKey));
  return manifest;
}

/** Checks the shape of `value`; throws `PhaseError` (`release_invalid_manifest`) if wrong. */
export function validateReleaseManifest(value: unknown): ReleaseManifest {
  const bad = (why: string): never => fail("release_invalid_manifest", why);
  if (typeof value !== "object" || value === null || Array.isArray(value)) bad("not an object");
  const m = value as Record<string, unknown>;
  const allowed = new Set([
    "version",
    "product",
    "release",
    "channel",
    "createdAt",
    "artifacts",
    "publicKey",
    "signature",
  ]);
  for (const key of Object.keys(m)) if (!allowed.has(key)) bad(`unknown field: ${key}`);
  if (m.version !== RELEASE_MANIFEST_VERSION) bad(`unsupported version: ${m.version}`);
  for (const key of ["product", "release", "createdAt", "publicKey", "signature"]) {
    if (typeof m[key] !== "string") bad(`${key} must be a string`);
  }
  if (!NAME.test(m.product as string)) bad("bad product name");
  if (!NAME.test(m.release as string)) bad("bad release version");
  if (typeof m.channel !== "string" || !CHANNEL.test(m.channel)) bad("bad channel");
  if (Number.isNaN(Date.parse(m.createdAt as string))) bad("createdAt is not a date");
  if (!Array.isArray(m.artifacts)) bad("artifacts must be an array");
  const seen = new Set<string>();
  for (const a of m.artifacts as unknown[]) {
    if (typeof a !== "object" || a === null) bad("artifact is not an object");
    const art = a as Record<string, unknown>;
    for (const key of Object.keys(art)) {
      if (!["file", "arch", "kind", "size", "sha256"].includes(key)) {
        bad(`unknown artifact field ${key}`);
      }
    }
    if (typeof art.file !== "string" || !isArtifactFileName(art.file)) {
      bad(`bad file name: ${art.file}`);
    }
    if (art.arch !== "x86_64" && art.arch !== "aarch64") bad(`bad arch: ${art.arch}`);
    if (typeof art.kind !== "string" || !/^[a-z0-9-]{1,32}$/.test(art.kind)) bad("bad kind");
    if (!Number.isSafeInteger(art.size) || (art.size as number) < 0) bad("bad size");
    if (typeof art.sha256 !== "string" || !HEX64.test(art.sha256)) bad("bad sha256");
    const key = `${art.arch}/${art.file}`;
    if (seen.has(key)) bad(`duplicate artifact ${key}`);
    seen.add(key);
  }
  return value as ReleaseManifest;
}

/** Options of {@linkcode verifyReleaseManifest}. */
export interface VerifyReleaseOptions {
  /** Trusted release public key (raw 32 bytes); without it the embedded key is used. */
  publicKey?: Uint8Array;
}

/**
 * Validates `value` and checks its signature; throws `PhaseError`
 * (`release_invalid_manifest`, `release_untrusted_key`, `release_bad_signature`).
 */
export function verifyReleaseManifest(
  value: unknown,
  options: VerifyReleaseOptions = {},
): ReleaseManifest {
  const manifest = validateReleaseManifest(value);
  let embedded: Uint8Array;
  let signature: Uint8Array;
  try {
    embedded = fromBase64Url(manifest.publicKey);
    signature = fromBase64Url(manifest.signature);
  } catch {
    return fail("release_invalid_manifest", "publicKey or signature is not base64url");
  }
  if (embedded.length !== 32) fail("release_invalid_manifest", "publicKey must be 32 bytes");
  if (options.publicKey && toBase64Url(options.publicKey) !== manifest.publicKey) {
    fail("release_untrusted_key", "manifest is signed by a different key than the trusted one");
  }
  if (!verify(signature, digest(manifest), embedded)) {
    fail("release_bad_signature", "manifest signature does not verify");
  }
  return manifest;
}

/** Checks `bytes` against an artifact entry; throws `PhaseError` (`release_artifact_mismatch`). */
export function verifyArtifact(artifact: ReleaseArtifact, bytes: Uint8Array): void {
  if (bytes.length !== artifact.size) {
    fail(
      "release_artifact_mismatch",
      `${artifact.file}: size ${bytes.length}, manifest says ${artifact.size}`,
    );
  }
  const got = sha256Hex(bytes);
  if (got !== artifact.sha256) {
    fail(
      "release_artifact_mismatch",
      `${artifact.file}: sha256 ${got}, manifest says ${artifact.sha256}`,
    );
  }
}

/** The artifact for `arch` (alias allowed) and `file`, or undefined. */
export function findArtifact(
  manifest: ReleaseManifest,
  arch: string,
  file: string,
): ReleaseArtifact | undefined {
  const canonical = normalizeArch(arch);
  return manifest.artifacts.find((a) => a.arch === canonical && a.file === file);
}

export { generateKeyPair, type KeyPair } from "../crypto/mod.ts";
export { parsePublicKey, publicKeyText } from "./key.ts";
