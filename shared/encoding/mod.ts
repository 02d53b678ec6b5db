/**
 * Canonical JSON (RFC 8785, JCS) and the byte encodings Phase uses:
 * lowercase hex for hashes, unpadded base64url for other bytes, UTF-8 text.
 *
 * Every signed or hashed object in Phase goes through {@linkcode canonicalize}.
 * Decoders are strict (one accepted spelling per byte string) and throw
 * {@linkcode PhaseError}s with stable codes.
 *
 * @module
 */

export { canonicalBytes, canonicalize, type CanonicalizeOptions } from "./canonical.ts";
export {
  concatBytes,
  fromBase64Url,
  fromHex,
  readLimited,
  toBase64Url,
  toHex,
  utf8Decode,
  utf8Encode,
} from "./bytes.ts";
