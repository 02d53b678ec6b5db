/**
 * Release key files: the Ed25519 key that signs release manifests.
 * Format: versioned JSON `{"version":1,"type":"phase-release-key","publicKey":
 * b64url,"secretKey":b64url}`, mode 0600. Public keys travel as base64url text.
 *
 * @module
 */

import { PhaseError } from "../shared/errors.ts";
import {
  fromBase64Url,
  generateKeyPair,
  type KeyPair,
  toBase64Url,
} from "../shared/release/_crypto.ts";

/** Encodes a key pair as a release key file. */
export function encodeReleaseKey(keyPair: KeyPair): string {
  return JSON.stringify({
    version: 1,
    type: "phase-release-key",
    publicKey: toBase64Url(keyPair.publicKey),
    secretKey: toBase64Url(keyPair.secretKey),
  }) + "\n";
}

/** Decodes a release key file; throws `PhaseError` (`release_bad_key_file`). */
export function decodeReleaseKey(text: string): KeyPair {
  try {
    const v = JSON.parse(text);
    if (v.version !== 1 || v.type !== "phase-release-key") throw new Error("wrong type");
    const keyPair = {
      publicKey: fromBase64Url(v.publicKey),
      secretKey: fromBase64Url(v.secretKey),
    };
    if (keyPair.publicKey.length !== 32 || keyPair.secretKey.length !== 32) throw new Error("size");
    return keyPair;
  } catch (err) {
    throw new PhaseError("release_bad_key_file", `not a release key file: ${err}`);
  }
}

/** Text form of a public key (base64url). */
export function publicKeyText(publicKey: Uint8Array): string {
  return toBase64Url(publicKey);
}

/** Parses a public key given as base64url text or a release key file's JSON. */
export function parsePublicKey(text: string): Uint8Array {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return decodeReleaseKey(trimmed).publicKey;
  const key = fromBase64Url(trimmed);
  if (key.length !== 32) {
    throw new PhaseError("release_bad_key_file", "public key must be 32 bytes");
  }
  return key;
}

/** Loads the key at `path`, or creates it (mode 0600) when missing and `create` is set. */
export async function loadOrCreateReleaseKey(
  path: string,
  options: { create?: boolean } = {},
): Promise<{ keyPair: KeyPair; created: boolean }> {
  try {
    return { keyPair: decodeReleaseKey(await Deno.readTextFile(path)), created: false };
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound) || !options.create) throw err;
  }
  const keyPair = generateKeyPair();
  await Deno.writeTextFile(path, encodeReleaseKey(keyPair), { mode: 0o600 });
  return { keyPair, created: true };
}

if (import.meta.main) {
  const [command, path] = Deno.args;
  if (command !== "generate" || !path) {
    console.error("usage: deno run -A deploy/release_key.ts generate FILE");
    Deno.exit(2);
  }
  const { keyPair, created } = await loadOrCreateReleaseKey(path, { create: true });
  console.log(
    `${created ? "created" : "exists"}: ${path}\npublic key: ${publicKeyText(keyPair.publicKey)}`,
  );
}
