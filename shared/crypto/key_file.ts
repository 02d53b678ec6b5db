/**
 * The Phase key file: one JSON object, canonical (RFC 8785) text plus a newline.
 *
 * ```json
 * {"publicKey":"<32 bytes b64url>","secretKey":"<32 bytes b64url>","type":"phase-ed25519-key","version":1}
 * ```
 *
 * Decoding is strict: exactly these four fields, `type` and `version` as
 * shown, both keys exactly 32 bytes of unpadded base64url, and the public key
 * must be the one derived from the secret key.
 *
 * @module
 */

import { PhaseError } from "../errors.ts";
import { canonicalize, fromBase64Url, toBase64Url } from "../encoding/mod.ts";
import { _checkKey, type KeyPair, keyPairFromSecretKey } from "./ed25519.ts";

/** The `type` field of a Phase key file. */
export const KEY_FILE_TYPE = "phase-ed25519-key";
/** The only key file version this code reads and writes. */
export const KEY_FILE_VERSION = 1;

const FIELDS = ["publicKey", "secretKey", "type", "version"];

/** Key file text (canonical JSON and a trailing newline) of `keyPair`. */
export function encodeKeyFile(keyPair: KeyPair): string {
  _checkKey(keyPair.publicKey, "public key");
  _checkKey(keyPair.secretKey, "secret key");
  const derived = keyPairFromSecretKey(keyPair.secretKey).publicKey;
  if (toBase64Url(derived) !== toBase64Url(keyPair.publicKey)) {
    throw new PhaseError("key_file_mismatch", "public key does not belong to the secret key");
  }
  return canonicalize({
    type: KEY_FILE_TYPE,
    version: KEY_FILE_VERSION,
    publicKey: toBase64Url(keyPair.publicKey),
    secretKey: toBase64Url(keyPair.secretKey),
  }) + "\n";
}

/** The key pair in key file `text`; PhaseError `key_file_invalid` / `key_file_unsupported_version` / `key_file_mismatch`. */
export function decodeKeyFile(text: string): KeyPair {
  const bad = (why: string) => new PhaseError("key_file_invalid", `key file ${why}`);
  if (typeof text !== "string" || text.length > 4096) throw bad("must be a short text");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad("is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw bad("must be a JSON object");
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!FIELDS.includes(key)) throw bad(`has unknown field ${JSON.stringify(key)}`);
  }
  if (obj.type !== KEY_FILE_TYPE) throw bad(`type must be ${JSON.stringify(KEY_FILE_TYPE)}`);
  if (obj.version !== KEY_FILE_VERSION) {
    throw new PhaseError(
      "key_file_unsupported_version",
      `key file version ${JSON.stringify(obj.version)} is not supported (expected 1)`,
    );
  }
  const decode = (field: string): Uint8Array => {
    const v = obj[field];
    if (typeof v !== "string") throw bad(`${field} must be a base64url string`);
    let bytes: Uint8Array;
    try {
      bytes = fromBase64Url(v);
    } catch {
      throw bad(`${field} is not valid base64url`);
    }
    if (bytes.length !== 32) throw bad(`${field} must be 32 bytes`);
    return bytes;
  };
  const publicKey = decode("publicKey");
  const pair = keyPairFromSecretKey(decode("secretKey"));
  if (toBase64Url(pair.publicKey) !== toBase64Url(publicKey)) {
    throw new PhaseError("key_file_mismatch", "public key does not belong to the secret key");
  }
  return pair;
}
