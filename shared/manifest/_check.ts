/**
 * Small strict field checkers used by manifest validation. Each takes the
 * value and its path (`limits.memoryMb`, `files["/a"].size`) and throws a
 * {@linkcode PhaseError} naming the path.
 *
 * @module
 */

import { PhaseError } from "../errors.ts";

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const HEX_RE = /^[0-9a-f]*$/;
const B64URL_RE = /^[A-Za-z0-9_-]*$/;

/** Makes errors with a fixed code prefix (`manifest`, `receipt`). */
export class Checker {
  /** `prefix` starts every code, e.g. `manifest` gives `manifest_invalid_field`. */
  constructor(readonly prefix: string) {}

  /** A typed error `<prefix>_<kind>` about `path`. */
  fail(kind: string, path: string, why: string): PhaseError {
    return new PhaseError(`${this.prefix}_${kind}`, `${this.prefix} field ${path} ${why}`);
  }

  /** A plain object with exactly the `required` keys and any of `optional`. */
  object(
    value: unknown,
    path: string,
    required: readonly string[],
    optional: readonly string[] = [],
  ): Record<string, unknown> {
    const obj = this.record(value, path);
    for (const key of Object.keys(obj)) {
      if (!required.includes(key) && !optional.includes(key)) {
        throw this.fail("unknown_field", path ? `${path}.${key}` : key, "is not allowed");
      }
    }
    for (const key of required) {
      if (!Object.hasOwn(obj, key)) {
        throw this.fail("missing_field", path ? `${path}.${key}` : key, "is missing");
      }
    }
    return obj;
  }

  /** Any plain object (keys checked by the caller). */
  record(value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw this.fail("invalid_field", path || "(root)", "must be an object");
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw this.fail("invalid_field", path || "(root)", "must be a plain object");
    }
    return value as Record<string, unknown>;
  }

  /** An array (elements checked by the caller) of at most `max` items. */
  array(value: unknown, path: string, max: number): unknown[] {
    if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) {
      throw this.fail("invalid_field", path, "must be an array");
    }
    if (value.length > max) throw this.fail("limit_exceeded", path, `has more than ${max} items`);
    return value;
  }

  /** A well-formed string of `min`..`max` UTF-16 units without NUL (unless `allowNul`). */
  string(
    value: unknown,
    path: string,
    min: number,
    max: number,
    allowNul = false,
  ): string {
    if (typeof value !== "string") throw this.fail("invalid_field", path, "must be a string");
    if (value.length < min) throw this.fail("invalid_field", path, `is shorter than ${min}`);
    if (value.length > max) {
      throw this.fail("limit_exceeded", path, `is longer than ${max} characters`);
    }
    if (LONE_SURROGATE.test(value)) {
      throw this.fail("invalid_field", path, "is not well-formed Unicode");
    }
    if (!allowNul && value.includes("\0")) throw this.fail("invalid_field", path, "contains NUL");
    return value;
  }

  /** A safe integer in `min`..`max`; above a configurable maximum is `limit_exceeded`. */
  integer(value: unknown, path: string, min: number, max: number, maxIsLimit = false): number {
    if (typeof value !== "number" || !Number.isSafeInteger(value)) {
      throw this.fail("invalid_field", path, "must be an integer");
    }
    if (value < min) throw this.fail("invalid_field", path, `must be at least ${min}`);
    if (value > max) {
      throw this.fail(maxIsLimit ? "limit_exceeded" : "invalid_field", path, `exceeds ${max}`);
    }
    return value === 0 ? 0 : value; // folds -0
  }

  /** Lowercase hex of exactly `bytes` bytes (or `minBytes`..`bytes` when given). */
  hex(value: unknown, path: string, bytes: number, minBytes = bytes): string {
    if (typeof value !== "string") throw this.fail("invalid_field", path, "must be a hex string");
    if (value.length < 2 * minBytes || value.length > 2 * bytes || value.length % 2 !== 0) {
      const size = minBytes === bytes ? `${bytes}` : `${minBytes}..${bytes}`;
      throw this.fail("invalid_field", path, `must be ${size} bytes of hex`);
    }
    if (!HEX_RE.test(value)) throw this.fail("invalid_field", path, "must be lowercase hex");
    return value;
  }

  /** Unpadded base64url text of exactly `bytes` bytes (canonical trailing bits checked by decoders). */
  base64url(value: unknown, path: string, bytes: number): string {
    if (typeof value !== "string") {
      throw this.fail("invalid_field", path, "must be a base64url string");
    }
    if (value.length !== Math.ceil((bytes * 4) / 3) || !B64URL_RE.test(value)) {
      throw this.fail("invalid_field", path, `must be ${bytes} bytes of unpadded base64url`);
    }
    return value;
  }
}
