/**
 * Small assertion helpers for Phase's tests (JSR's `@std/assert` is out of
 * reach here, so this mirrors the parts of its API the suite uses).
 *
 * @module
 */

/** Thrown when an assertion fails. */
export class AssertionError extends Error {
  /** Creates an assertion failure with a message. */
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function show(value: unknown): string {
  if (value instanceof Uint8Array) {
    const head = Array.from(value.subarray(0, 32)).join(",");
    return `Uint8Array(${value.length})[${head}${value.length > 32 ? ",..." : ""}]`;
  }
  try {
    return typeof value === "bigint" ? `${value}n` : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Structural equality: primitives by `Object.is`, arrays, typed arrays, maps, sets, plain objects. */
export function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !equal(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof Set && b instanceof Set) {
    if (a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b as object, k)) return false;
    if (!equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Asserts that `cond` is truthy. */
export function assert(cond: unknown, msg = "expected a truthy value"): asserts cond {
  if (!cond) throw new AssertionError(msg);
}

/** Asserts that `cond` is falsy. */
export function assertFalse(cond: unknown, msg = "expected a falsy value"): void {
  if (cond) throw new AssertionError(msg);
}

/** Asserts structural equality of `actual` and `expected`. */
export function assertEquals<T>(actual: unknown, expected: T, msg?: string): asserts actual is T {
  if (!equal(actual, expected)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}values differ\n  actual:   ${show(actual)}\n  expected: ${
        show(expected)
      }`,
    );
  }
}

/** Asserts that `actual` and `expected` are not structurally equal. */
export function assertNotEquals(actual: unknown, expected: unknown, msg?: string): void {
  if (equal(actual, expected)) {
    throw new AssertionError(`${msg ? msg + ": " : ""}values are equal: ${show(actual)}`);
  }
}

/** Asserts that `actual` matches `re`. */
export function assertMatch(actual: string, re: RegExp, msg?: string): void {
  if (!re.test(actual)) {
    throw new AssertionError(`${msg ? msg + ": " : ""}${show(actual)} does not match ${re}`);
  }
}

/** Asserts that `actual < limit`. */
export function assertLess(actual: number, limit: number, msg?: string): void {
  if (!(actual < limit)) {
    throw new AssertionError(`${msg ? msg + ": " : ""}expected ${actual} < ${limit}`);
  }
}

/** Asserts that `actual > limit`. */
export function assertGreater(actual: number, limit: number, msg?: string): void {
  if (!(actual > limit)) {
    throw new AssertionError(`${msg ? msg + ": " : ""}expected ${actual} > ${limit}`);
  }
}

// deno-lint-ignore no-explicit-any
type ErrorClass<E extends Error> = new (...args: any[]) => E;

function checkError<E extends Error>(
  err: unknown,
  cls?: ErrorClass<E>,
  includes?: string,
): E {
  if (cls && !(err instanceof cls)) {
    throw new AssertionError(`expected ${cls.name}, got ${show(err)} (${String(err)})`);
  }
  if (includes && !String((err as Error)?.message).includes(includes)) {
    throw new AssertionError(
      `expected message to include "${includes}", got "${(err as Error)?.message}"`,
    );
  }
  return err as E;
}

/** Asserts that `fn` throws (optionally an instance of `cls` whose message includes `includes`). */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  cls?: ErrorClass<E>,
  includes?: string,
): E {
  try {
    fn();
  } catch (err) {
    return checkError(err, cls, includes);
  }
  throw new AssertionError("expected the function to throw");
}

/** Asserts that `fn` rejects (optionally with an instance of `cls` whose message includes `includes`). */
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  cls?: ErrorClass<E>,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (err) {
    return checkError(err, cls, includes);
  }
  throw new AssertionError("expected the promise to reject");
}
