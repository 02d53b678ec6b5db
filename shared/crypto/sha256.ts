/**
 * SHA-256 (FIPS 180-4) via `@noble/hashes`.
 *
 * @module
 */

import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { toHex } from "../encoding/mod.ts";

/** SHA-256 digest (32 bytes) of `bytes`. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes);
}

/** SHA-256 digest of `bytes` as 64 lowercase hex characters. */
export function sha256Hex(bytes: Uint8Array): string {
  return toHex(nobleSha256(bytes));
}
