/**
 * Release keys. A release key is an ordinary Phase Ed25519 key file
 * (shared/crypto `encodeKeyFile`; keep it mode 0600); its public half travels
 * as base64url text (`releases/release-key.pub`, `phase release verify --key`).
 *
 * @module
 */

import { PhaseError } from "../errors.ts";
import { decodeKeyFile } from "../crypto/mod.ts";
import { fromBase64Url, toBase64Url } from "../encoding/mod.ts";

/** Text form of a public key (base64url). */
export function publicKeyText(publicKey: Uint8Array): string {
  return toBase64Url(publicKey);
}

/** Parses a public key given as base64url text or a key file; throws `PhaseError`. */
export function parsePublicKey(text: string): Uint8Array {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return decodeKeyFile(trimmed).publicKey;
  let key: Uint8Array;
  try {
    key = fromBase64Url(trimmed);
  } catch {
    throw new PhaseError("release_bad_key", "public key is not base64url");
  }
  if (key.length !== 32) throw new PhaseError("release_bad_key", "public key must be 32 bytes");
  return key;
}
