/**
 * Out-of-line helpers for the dispatch loop: 64-bit integer arithmetic on
 * (lo, hi) int32 word pairs, float conversions with exact rounding, and the
 * IEEE operations JavaScript lacks.
 *
 * @module
 */

import { WasmTrap } from "./errors.ts";

/** High word of the last {@linkcode mul64} result. */
export let HI = 0;

/** 64-bit multiply of (al, ah) * (bl, bh); returns the low word, sets {@linkcode HI}. */
export function mul64(al: number, ah: number, bl: number, bh: number): number {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const t = a0 * b0;
  const m1 = a1 * b0 + (t >>> 16);
  const m2 = a0 * b1 + (m1 & 0xffff);
  const hiu = a1 * b1 + (m1 >>> 16) + (m2 >>> 16);
  HI = (hiu + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  return Math.imul(al, bl);
}

function big(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

function put(w: Int32Array, d: number, v: bigint) {
  w[d] = Number(BigInt.asIntN(32, v));
  w[d + 1] = Number(BigInt.asIntN(32, v >> 32n));
}

/** Throws the trap with V8's message. */
export function trap(message: string): never {
  throw new WasmTrap(message);
}

/** i64 div/rem (op 0x7f..0x82) of words a, b into d. */
export function i64DivRem(w: Int32Array, op: number, d: number, a: number, b: number) {
  const bl = w[b], bh = w[b + 1];
  if (bl === 0 && bh === 0) {
    trap(op === 0x7f || op === 0x80 ? "divide by zero" : "remainder by zero");
  }
  const al = w[a], ah = w[a + 1];
  switch (op) {
    case 0x7f: {
      if (ah === -2147483648 && al === 0 && bl === -1 && bh === -1) {
        trap("divide result unrepresentable");
      }
      put(w, d, big(al, ah) / big(bl, bh));
      break;
    }
    case 0x80:
      put(w, d, BigInt.asUintN(64, big(al, ah)) / BigInt.asUintN(64, big(bl, bh)));
      break;
    case 0x81:
      if (bl === -1 && bh === -1) {
        w[d] = 0;
        w[d + 1] = 0;
      } else put(w, d, big(al, ah) % big(bl, bh));
      break;
    default:
      put(w, d, BigInt.asUintN(64, big(al, ah)) % BigInt.asUintN(64, big(bl, bh)));
  }
}

/** i64 shifts and rotations (op 0x86..0x8a). */
export function i64Shift(w: Int32Array, op: number, d: number, a: number, b: number) {
  let al = w[a], ah = w[a + 1];
  let s = w[b] & 63;
  let lo, hi;
  switch (op) {
    case 0x86: // shl
      if (s === 0) (lo = al), (hi = ah);
      else if (s < 32) (hi = (ah << s) | (al >>> (32 - s))), (lo = al << s);
      else (hi = al << (s - 32)), (lo = 0);
      break;
    case 0x87: // shr_s
      if (s === 0) (lo = al), (hi = ah);
      else if (s < 32) (lo = (al >>> s) | (ah << (32 - s))), (hi = ah >> s);
      else (lo = ah >> (s - 32)), (hi = ah >> 31);
      break;
    case 0x88: // shr_u
      if (s === 0) (lo = al), (hi = ah);
      else if (s < 32) (lo = (al >>> s) | (ah << (32 - s))), (hi = ah >>> s);
      else (lo = ah >>> (s - 32)), (hi = 0);
      break;
    default: { // rotl / rotr
      if (op === 0x8a) s = (64 - s) & 63;
      if (s >= 32) {
        const t = al;
        al = ah;
        ah = t;
        s -= 32;
      }
      if (s === 0) (lo = al), (hi = ah);
      else (hi = (ah << s) | (al >>> (32 - s))), (lo = (al << s) | (ah >>> (32 - s)));
    }
  }
  w[d] = lo;
  w[d + 1] = hi;
}

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/** Population count of an int32. */
export function popcnt32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** i32.ctz */
export { ctz32 };

/** i64 clz/ctz/popcnt (op 0x79..0x7b). */
export function i64Unary(w: Int32Array, op: number, d: number, a: number) {
  const al = w[a], ah = w[a + 1];
  let r;
  if (op === 0x79) r = ah !== 0 ? Math.clz32(ah) : 32 + Math.clz32(al);
  else if (op === 0x7a) r = al !== 0 ? ctz32(al) : 32 + ctz32(ah);
  else r = popcnt32(al) + popcnt32(ah);
  w[d] = r;
  w[d + 1] = 0;
}

/** Round half to even (f32/f64.nearest). */
export function nearest(x: number): number {
  if (x !== x || x === 0 || !isFinite(x)) return x;
  const f = Math.floor(x);
  const diff = x - f;
  let r;
  if (diff < 0.5) r = f;
  else if (diff > 0.5) r = f + 1;
  else r = f % 2 === 0 ? f : f + 1;
  if (r === 0 && x < 0) return -0;
  return r;
}

/** Writes a float truncated to i64 (trapping conversions, op 0xae..0xb1). */
export function truncI64(w: Int32Array, d: number, x: number, signed: boolean) {
  if (x !== x) trap("float unrepresentable in integer range");
  if (
    signed
      ? !(x >= -9223372036854775808 && x < 9223372036854775808)
      : !(x > -1 && x < 18446744073709551616)
  ) {
    trap("float unrepresentable in integer range");
  }
  writeI64(w, d, Math.trunc(x));
}

function writeI64(w: Int32Array, d: number, t: number) {
  const hi = Math.floor(t / 4294967296);
  const lo = t - hi * 4294967296;
  w[d] = lo | 0;
  w[d + 1] = hi | 0;
}

/** Saturating truncations (internal ops 0xe0..0xe7). */
export function truncSat(w: Int32Array, op: number, d: number, x: number) {
  switch (op) {
    case 0xe0:
    case 0xe2:
      w[d] = x !== x ? 0 : x <= -2147483648 ? -2147483648 : x >= 2147483647 ? 2147483647 : x | 0;
      break;
    case 0xe1:
    case 0xe3:
      w[d] = x !== x || x <= 0 ? 0 : x >= 4294967295 ? -1 : x >>> 0;
      break;
    case 0xe4:
    case 0xe6:
      if (x !== x) writeI64(w, d, 0);
      else if (x < -9223372036854775808) (w[d] = 0), (w[d + 1] = -2147483648);
      else if (x >= 9223372036854775808) (w[d] = -1), (w[d + 1] = 2147483647);
      else writeI64(w, d, Math.trunc(x));
      break;
    default:
      if (x !== x || x <= 0) writeI64(w, d, 0);
      else if (x >= 18446744073709551616) (w[d] = -1), (w[d + 1] = -1);
      else writeI64(w, d, Math.trunc(x));
  }
}

/** i64 -> f32 with a single rounding (f32.convert_i64_s/u). */
export function i64ToF32(lo: number, hi: number, signed: boolean): number {
  let neg = false;
  if (signed && hi < 0) {
    neg = true;
    lo = (~lo + 1) | 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
  }
  const uh = hi >>> 0, ul = lo >>> 0;
  let v;
  if (uh === 0) v = ul;
  else {
    const n = Math.clz32(uh);
    let top, rest;
    if (n === 0) {
      top = uh;
      rest = ul;
    } else {
      top = ((uh << n) | (ul >>> (32 - n))) >>> 0;
      rest = ul << n;
    }
    // round to odd: keep a sticky bit so the final rounding to f32 is exact
    v = ((top | (rest !== 0 ? 1 : 0)) >>> 0) * 2 ** (32 - n);
  }
  return Math.fround(neg ? -v : v);
}

/** Returns x, with any NaN replaced by the canonical (quiet) NaN. */
export function quiet(x: number): number {
  return x !== x ? NaN : x;
}
