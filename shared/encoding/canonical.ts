/**
 * RFC 8785 JSON Canonicalization Scheme.
 *
 * - Numbers: ECMAScript `Number.prototype.toString` serialisation of finite
 *   numbers (what `JSON.stringify` produces; JCS mandates exactly this), `-0`
 *   becomes `0`.
 * - Strings: `JSON.stringify` escaping (`\b \t \n \f \r \" \\`, other
 *   controls as `\u00xx` lowercase), everything else literal; lone surrogates
 *   are rejected (JCS requires I-JSON, which forbids them).
 * - Objects: keys sorted by UTF-16 code units (JavaScript's default string
 *   order), no whitespace.
 *
 * Values JSON cannot represent faithfully are rejected with a
 * {@linkcode PhaseError} (`canonical_unsupported_value`): `undefined`
 * (also as an object property), NaN, ±Infinity, BigInt, functions, symbols,
 * objects whose prototype is neither `Object.prototype` nor `null` (Date, Map,
 * class instances, typed arrays...), sparse arrays, symbol keys. Cycles give
 * `canonical_cycle`; nesting beyond `maxDepth` gives `canonical_too_deep`.
 *
 * @module
 */

import { PhaseError } from "../errors.ts";
import { utf8Encode } from "./bytes.ts";

/** Options of {@linkcode canonicalize}. */
export interface CanonicalizeOptions {
  /** Deepest nesting of arrays/objects accepted (default 1,000). */
  maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 1_000;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function unsupported(path: string, what: string): PhaseError {
  return new PhaseError(
    "canonical_unsupported_value",
    `cannot canonicalise ${what} at ${path || "(root)"}`,
  );
}

function str(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) throw unsupported(path, "a string with a lone surrogate");
  return JSON.stringify(value);
}

/** RFC 8785 canonical JSON text of `value`; throws PhaseError on unrepresentable values. */
export function canonicalize(value: unknown, options: CanonicalizeOptions = {}): string {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const stack = new Set<object>();

  function walk(v: unknown, path: string, depth: number): string {
    switch (typeof v) {
      case "string":
        return str(v, path);
      case "boolean":
        return v ? "true" : "false";
      case "number":
        if (!Number.isFinite(v)) throw unsupported(path, String(v));
        return JSON.stringify(v); // -0 -> "0", ES number serialisation otherwise
      case "object":
        break;
      default:
        throw unsupported(path, typeof v);
    }
    if (v === null) return "null";
    if (depth >= maxDepth) {
      throw new PhaseError("canonical_too_deep", `nesting deeper than ${maxDepth} at ${path}`);
    }
    if (stack.has(v)) throw new PhaseError("canonical_cycle", `cycle at ${path || "(root)"}`);
    const proto = Object.getPrototypeOf(v);
    if (Array.isArray(v)) {
      if (proto !== Array.prototype) throw unsupported(path, "an array subclass");
      stack.add(v);
      const parts: string[] = [];
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) throw unsupported(`${path}[${i}]`, "a hole in an array");
        parts.push(walk(v[i], `${path}[${i}]`, depth + 1));
      }
      stack.delete(v);
      return `[${parts.join(",")}]`;
    }
    if (proto !== Object.prototype && proto !== null) {
      const name = (v as { constructor?: { name?: string } }).constructor?.name ?? "object";
      throw unsupported(path, `a ${name}`);
    }
    if (Object.getOwnPropertySymbols(v).length > 0) throw unsupported(path, "a symbol key");
    stack.add(v);
    const keys = Object.keys(v).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const sub = `${path}.${key}`;
      parts.push(`${str(key, sub)}:${walk((v as Record<string, unknown>)[key], sub, depth + 1)}`);
    }
    stack.delete(v);
    return `{${parts.join(",")}}`;
  }

  try {
    return walk(value, "", 0);
  } catch (err) {
    if (err instanceof RangeError) {
      throw new PhaseError("canonical_too_deep", "nesting too deep for the stack", { cause: err });
    }
    throw err;
  }
}

/** UTF-8 bytes of {@linkcode canonicalize}`(value)`. */
export function canonicalBytes(value: unknown, options: CanonicalizeOptions = {}): Uint8Array {
  return utf8Encode(canonicalize(value, options));
}
