/**
 * Faster synchronous Ed25519 verification with exactly the semantics of
 * `@noble/ed25519`'s strict mode (`zip215: false`), built on
 * `@noble/curves` points:
 *
 * - `A` (public key) and `R` decoded strictly (y < p, no negative zero x);
 * - `S < L`; small-order `A` rejected;
 * - cofactored equation `[8](R + [k]A - [S]B) == 0`, k = SHA-512(R || A || M) mod L.
 *
 * Speed comes from variable-time scalar multiplication (all inputs are
 * public) and a windowed precompute table per public key that recurs (an
 * executor's key signs many receipts): the table is built on a key's third
 * verification and a few tables are kept (about 1 MB each). The test
 * `fast_verify_test.ts` cross-checks this against `@noble/ed25519` on valid,
 * mutated and edge-case inputs.
 *
 * @module
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";

type EdPoint = InstanceType<typeof ed25519.Point>;

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const WINDOW = 8;
const MAX_TABLES = 8;
const MAX_SEEN = 256;
const PRECOMPUTE_AFTER = 2;

const tables = new Map<string, EdPoint>(); // key -> point with precompute table (LRU order)
const seen = new Map<string, number>(); // key -> times verified without a table

function bytesToNumberLE(bytes: Uint8Array): bigint {
  let hex = "";
  for (let i = bytes.length - 1; i >= 0; i--) {
    hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  }
  return BigInt("0x" + (hex || "0"));
}

function keyPoint(publicKey: Uint8Array): EdPoint {
  let id = "";
  for (let i = 0; i < 32; i++) id += String.fromCharCode(publicKey[i]);
  const cached = tables.get(id);
  if (cached) {
    tables.delete(id); // refresh LRU position
    tables.set(id, cached);
    return cached;
  }
  const point = Point.fromBytes(publicKey, false);
  const count = (seen.get(id) ?? 0) + 1;
  if (count > PRECOMPUTE_AFTER && !point.isSmallOrder()) {
    seen.delete(id);
    point.precompute(WINDOW, false);
    if (tables.size >= MAX_TABLES) tables.delete(tables.keys().next().value!);
    tables.set(id, point);
  } else {
    if (seen.size >= MAX_SEEN && !seen.has(id)) seen.delete(seen.keys().next().value!);
    seen.set(id, count);
  }
  return point;
}

/** Strict RFC 8032 verification (see module doc); false for any invalid input. */
export function fastVerify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  let A: EdPoint;
  let R: EdPoint;
  try {
    A = keyPoint(publicKey);
    R = Point.fromBytes(signature.subarray(0, 32), false);
  } catch {
    return false;
  }
  if (A.isSmallOrder()) return false;
  const s = bytesToNumberLE(signature.subarray(32, 64));
  if (s >= L) return false;
  const hashed = new Uint8Array(64 + message.length);
  hashed.set(signature.subarray(0, 32), 0);
  hashed.set(publicKey, 32);
  hashed.set(message, 64);
  const k = bytesToNumberLE(sha512(hashed)) % L;
  const SB = Point.BASE.multiplyUnsafe(s);
  return R.add(A.multiplyUnsafe(k)).subtract(SB).clearCofactor().is0();
}
