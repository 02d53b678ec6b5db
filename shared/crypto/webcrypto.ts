/**
 * WebCrypto Ed25519 fast paths behind the same semantics as the noble code.
 *
 * Where `crypto.subtle` supports Ed25519 (Deno, workerd, recent Chromium),
 * {@linkcode verifyAsync} and {@linkcode signAsync} use it; elsewhere they
 * call the synchronous noble functions. Ed25519 signatures are deterministic,
 * so both paths produce identical bytes (tested).
 *
 * Verification gives exactly the result of the synchronous {@linkcode verify}
 * (RFC 8032 strict, cofactored): before WebCrypto sees a signature, keys that
 * do not decode strictly or have small order (checked once per key), `S >= L`
 * and non-canonical `R` encodings are rejected, so a WebCrypto "valid" is
 * also valid for the noble rules; a WebCrypto "invalid" is re-checked with the
 * noble code (which accepts a few crafted signatures with torsion components
 * that cofactorless implementations reject). Honest signatures take the fast
 * path only.
 *
 * @module
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import { _checkKey, sign, verify } from "./ed25519.ts";

let support: Promise<boolean> | undefined;
const verifyKeys = new Map<string, Promise<CryptoKey | null>>();
const MAX_CACHED_KEYS = 256;
// Order of the Ed25519 group, little-endian limbs compared byte-wise below.
const L = new Uint8Array([
  0xed,
  0xd3,
  0xf5,
  0x5c,
  0x1a,
  0x63,
  0x12,
  0x58,
  0xd6,
  0x9c,
  0xf7,
  0xa2,
  0xde,
  0xf9,
  0xde,
  0x14,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0x10,
]);
const PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04];

/** Resolves to true when this runtime's WebCrypto implements Ed25519. */
export function hasWebCryptoEd25519(): Promise<boolean> {
  support ??= (async () => {
    try {
      const subtle = globalThis.crypto?.subtle;
      if (!subtle) return false;
      const publicKey = ed25519.getPublicKey(new Uint8Array(32));
      const key = await subtle.importKey("raw", publicKey as BufferSource, "Ed25519", false, [
        "verify",
      ]);
      return key.type === "public";
    } catch {
      return false;
    }
  })();
  return support;
}

function canonicalS(signature: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const s = signature[32 + i];
    if (s !== L[i]) return s < L[i];
  }
  return false; // S == L
}

// Encodings noble's strict mode rejects: y >= p, or x = 0 with the sign bit set.
function nonCanonicalPoint(p: Uint8Array): boolean {
  const top = p[31] & 0x7f;
  let mid0 = true;
  let midFF = true;
  for (let i = 1; i < 31; i++) {
    if (p[i] !== 0) mid0 = false;
    if (p[i] !== 0xff) midFF = false;
  }
  if (midFF && top === 0x7f && p[0] >= 0xed) return true; // y >= p
  if (p[31] & 0x80) {
    if (mid0 && top === 0 && p[0] === 1) return true; // y = 1, x = 0
    if (midFF && top === 0x7f && p[0] === 0xec) return true; // y = p - 1, x = 0
  }
  return false;
}

function acceptableKey(publicKey: Uint8Array): boolean {
  try {
    return !ed25519.Point.fromBytes(publicKey, false).isSmallOrder();
  } catch {
    return false;
  }
}

function keyFor(publicKey: Uint8Array): Promise<CryptoKey | null> {
  let hex = "";
  for (const b of publicKey) hex += b.toString(16).padStart(2, "0");
  let key = verifyKeys.get(hex);
  if (!key) {
    if (verifyKeys.size >= MAX_CACHED_KEYS) verifyKeys.delete(verifyKeys.keys().next().value!);
    key = acceptableKey(publicKey)
      ? globalThis.crypto.subtle.importKey("raw", publicKey.slice(), "Ed25519", false, ["verify"])
      : Promise.resolve(null);
    key.catch(() => verifyKeys.delete(hex));
    verifyKeys.set(hex, key);
  }
  return key;
}

/** Same result as {@linkcode verify}, through WebCrypto when available. */
export async function verifyAsync(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): Promise<boolean> {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  if (!(await hasWebCryptoEd25519())) return verify(signature, message, publicKey);
  if (!canonicalS(signature) || nonCanonicalPoint(signature.subarray(0, 32))) return false;
  let ok = false;
  try {
    const key = await keyFor(publicKey);
    if (key === null) return false;
    ok = await globalThis.crypto.subtle.verify("Ed25519", key, signature.slice(), message.slice());
  } catch {
    ok = false;
  }
  return ok || verify(signature, message, publicKey);
}

/** Same bytes as {@linkcode sign}, through WebCrypto when available. */
export async function signAsync(message: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array> {
  _checkKey(secretKey, "secret key");
  if (!(await hasWebCryptoEd25519())) return sign(message, secretKey);
  const pkcs8 = new Uint8Array([...PKCS8_PREFIX, 0x22, 0x04, 0x20, ...secretKey]);
  try {
    const key = await globalThis.crypto.subtle.importKey("pkcs8", pkcs8, "Ed25519", false, [
      "sign",
    ]);
    return new Uint8Array(await globalThis.crypto.subtle.sign("Ed25519", key, message.slice()));
  } catch {
    return sign(message, secretKey);
  } finally {
    pkcs8.fill(0);
  }
}
