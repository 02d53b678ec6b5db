/**
 * Ed25519 (RFC 8032) with `@noble/curves`, synchronous everywhere. (libp2p
 * already ships `@noble/curves`; a second implementation, `@noble/ed25519`,
 * only served in tests as a cross-check.)
 *
 * @module
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import { PhaseError } from "../errors.ts";
import { fastVerify } from "./_fast_verify.ts";

/** An Ed25519 key pair: raw 32-byte public key and raw 32-byte secret key (the RFC 8032 seed). */
export interface KeyPair {
  /** Raw 32-byte public key. */
  publicKey: Uint8Array;
  /** Raw 32-byte secret key (seed). */
  secretKey: Uint8Array;
}

/** Throws PhaseError `crypto_invalid_key` unless `key` is a 32-byte Uint8Array. */
export function _checkKey(key: unknown, what: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== 32) {
    throw new PhaseError("crypto_invalid_key", `${what} must be 32 bytes`);
  }
}

/** A fresh key pair from `globalThis.crypto.getRandomValues`. */
export function generateKeyPair(): KeyPair {
  const secretKey = new Uint8Array(32);
  globalThis.crypto.getRandomValues(secretKey);
  return { publicKey: ed25519.getPublicKey(secretKey), secretKey };
}

/** The key pair of a raw 32-byte secret key (derives the public key). */
export function keyPairFromSecretKey(secretKey: Uint8Array): KeyPair {
  _checkKey(secretKey, "secret key");
  return { publicKey: ed25519.getPublicKey(secretKey), secretKey: secretKey.slice() };
}

/** Ed25519 signature (64 bytes) of `message` with a raw 32-byte secret key. */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  _checkKey(secretKey, "secret key");
  return ed25519.sign(message, secretKey);
}

/**
 * True when `signature` is a valid RFC 8032 signature of `message` by
 * `publicKey`; false for anything else, including malformed inputs. Same
 * results as `@noble/ed25519`'s `verify(..., { zip215: false })`, computed
 * faster (see `_fast_verify.ts`).
 */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  try {
    return fastVerify(signature, message, publicKey);
  } catch {
    return false;
  }
}
