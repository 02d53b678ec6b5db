/**
 * Strict byte encodings: lowercase hex, unpadded base64url (RFC 4648 §5),
 * UTF-8. Each byte string has exactly one accepted spelling, so decoded
 * values re-encode to the same text (no malleability in signed documents).
 *
 * @module
 */

import { PhaseError } from "../errors.ts";

const HEX = "0123456789abcdef";
const HEX_PAIRS: string[] = Array.from({ length: 256 }, (_, i) => HEX[i >> 4] + HEX[i & 15]);
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i]];
  return out;
}

/** Bytes of lowercase hex `text`; throws PhaseError `encoding_invalid_hex` otherwise. */
export function fromHex(text: string): Uint8Array {
  if (typeof text !== "string" || text.length % 2 !== 0) {
    throw new PhaseError("encoding_invalid_hex", "hex must be a string of even length");
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(text.charCodeAt(2 * i));
    const lo = hexNibble(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      throw new PhaseError("encoding_invalid_hex", `not lowercase hex at offset ${2 * i}`);
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Unpadded base64url of `bytes`. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64[n >> 18] + B64[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63];
  }
  return out;
}

/**
 * Bytes of unpadded base64url `text`. Rejects padding, other alphabets,
 * impossible lengths and non-zero trailing bits with PhaseError
 * `encoding_invalid_base64url`.
 */
export function fromBase64Url(text: string): Uint8Array {
  const bad = (why: string) => new PhaseError("encoding_invalid_base64url", why);
  if (typeof text !== "string") throw bad("base64url must be a string");
  if (text.length % 4 === 1) throw bad("impossible base64url length");
  const values = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c] : -1;
    if (v < 0) throw bad(`invalid base64url character at offset ${i}`);
    values[i] = v;
  }
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 3 < text.length; i += 4) {
    const n = (values[i] << 18) | (values[i + 1] << 12) | (values[i + 2] << 6) | values[i + 3];
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  const rest = text.length - i;
  if (rest === 2) {
    if (values[i + 1] & 15) throw bad("non-zero trailing bits");
    out[o++] = (values[i] << 2) | (values[i + 1] >> 4);
  } else if (rest === 3) {
    if (values[i + 2] & 3) throw bad("non-zero trailing bits");
    const n = (values[i] << 10) | (values[i + 1] << 4) | (values[i + 2] >> 2);
    out[o++] = n >> 8;
    out[o++] = n & 255;
  }
  return out;
}

/** UTF-8 bytes of `text` (lone surrogates become U+FFFD, as in TextEncoder). */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Text of UTF-8 `bytes`; throws PhaseError `encoding_invalid_utf8` on malformed input. */
export function utf8Decode(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (err) {
    throw new PhaseError("encoding_invalid_utf8", "bytes are not valid UTF-8", { cause: err });
  }
}

/** `chunks` joined into one array (the chunk itself when there is just one); `total` is their summed length. */
export function concatBytes(
  chunks: Uint8Array[],
  total = chunks.reduce((n, c) => n + c.length, 0),
): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Reads a byte stream (a request body) to its end into one array, or null,
 * with the stream cancelled, as soon as it passes `maxBytes`: an oversized
 * body is never held whole. A null stream reads as empty.
 */
export async function readLimited(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array | null> {
  if (!stream) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concatBytes(chunks, total);
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
}
