/**
 * Release key text formats. Key file: versioned JSON
 * `{"version":1,"type":"phase-release-key","publicKey":b64url,"secretKey":b64url}`
 * (keep it mode 0600). Public keys travel as base64url text.
 *
 * @module
 */

import { PhaseError } from "../errors.ts";
import { fromBase64Url, type KeyPair, toBase64Url } from "./_crypto.ts";

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

/** Parses a public key given as base64url text or a key file's JSON; throws `PhaseError`. */
export function parsePublicKey(text: string): Uint8Array {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return decodeReleaseKey(trimmed).publicKey;
  let key: Uint8Array;
  try {
    key = fromBase64Url(trimmed);
  } catch {
    throw new PhaseError("release_bad_key_file", "public key is not base64url");
  }
  if (key.length !== 32) {
    throw new PhaseError("release_bad_key_file", "public key must be 32 bytes");
  }
  return key;
}
