// Unsigned LEB128 varints, as libp2p's length-prefixed framing uses them.

/** Largest frame length a varint here may carry (2^31 - 1). */
export const MAX_VARINT = 0x7fffffff;

/** Appends the varint encoding of `n` to `out` at `offset`; returns the new offset. */
export function writeVarint(n: number, out: Uint8Array, offset: number): number {
  while (n >= 0x80) {
    out[offset++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[offset++] = n;
  return offset;
}

/** Number of bytes the varint encoding of `n` takes. */
export function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n >>>= 7;
    len++;
  }
  return len;
}

/**
 * Reads a varint from `buf` at `offset`. Returns `[value, bytesRead]`,
 * `[0, 0]` when more bytes are needed, or `[-1, 0]` when it is malformed
 * (longer than 5 bytes or above {@linkcode MAX_VARINT}).
 */
export function readVarint(buf: Uint8Array, offset: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (offset + i >= buf.length) return [0, 0];
    const b = buf[offset + i];
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return value > MAX_VARINT ? [-1, 0] : [value, i + 1];
  }
  return [-1, 0];
}
