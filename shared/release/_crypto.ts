/**
 * Temporary stand-in for `shared/crypto` (being written by the core helper):
 * same function names and semantics as the fixed core API, so switching is a
 * one-line import change once it lands. Encoding comes from shared/encoding.
 *
 * @module
 */

import * as ed from "@noble/ed25519";
import { sha256 as nobleSha256, sha512 } from "@noble/hashes/sha2.js";
import { toHex } from "../encoding/mod.ts";

ed.hashes.sha512 = sha512;

export {
  canonicalBytes,
  canonicalize,
  fromBase64Url,
  toBase64Url,
  toHex,
} from "../encoding/mod.ts";

/** SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes);
}

/** SHA-256 of `bytes` as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

/** An Ed25519 key pair: raw 32-byte public and secret keys. */
export interface KeyPair {
  /** Raw 32-byte public key. */
  publicKey: Uint8Array;
  /** Raw 32-byte secret key (seed). */
  secretKey: Uint8Array;
}

/** A fresh random Ed25519 key pair. */
export function generateKeyPair(): KeyPair {
  const secretKey = ed.utils.randomSecretKey();
  return { publicKey: ed.getPublicKey(secretKey), secretKey };
}

/** Ed25519 signature of `message`. */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed.sign(message, secretKey);
}

/** True when `signature` is a valid Ed25519 signature of `message` by `publicKey`. */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}
