/**
 * Test-only mutation engine for the manifest and receipt fuzz tests: a seeded
 * PRNG (so a failure reproduces from the printed seed) and structural and
 * textual mutations of a JSON value.
 *
 * @module
 */

/** Small fast seeded PRNG (mulberry32). */
export class Rng {
  #state: number;

  /** A generator starting from `seed` (any 32-bit integer). */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A random element of `list`. */
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }
}

/** The seed given as text (e.g. `PHASE_FUZZ_SEED`), else a fresh random one. */
export function fuzzSeed(text?: string): number {
  return text ? Number(text) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
}

type Json = unknown;
type Container = Record<string, Json> | Json[];

const HUGE = "x".repeat(1 << 20);
let DEEP_ARRAY: Json = 0;
let DEEP_OBJECT: Json = "leaf";
for (let i = 0; i < 10_000; i++) {
  DEEP_ARRAY = [DEEP_ARRAY];
  DEEP_OBJECT = { a: DEEP_OBJECT };
}

function slots(
  value: Json,
  out: [Container, string | number][] = [],
): [Container, string | number][] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([value, i]);
      slots(v, out);
    });
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push([value as Record<string, Json>, k]);
      slots(v, out);
    }
  }
  return out;
}

function containers(value: Json, out: Container[] = []): Container[] {
  if (value && typeof value === "object") {
    out.push(value as Container);
    for (const v of Object.values(value)) containers(v, out);
  }
  return out;
}

function randomValue(rng: Rng): Json {
  switch (rng.int(16)) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return rng.pick([0, -0, -1, 1, 0.5, 1e308, -1e308, 2 ** 53, 2 ** 53 - 1, 2 ** 32, 1e-7]);
    case 3:
      return rng.int(1 << 30);
    case 4:
      return "";
    case 5:
      return rng.pick(["_start", "ok", "/a", "a\0b", "\ud800", "12D3KooW", "=", "..", "é"]);
    case 6:
      return "ab".repeat(32);
    case 7:
      return "A".repeat(rng.pick([43, 86]));
    case 8:
      return [];
    case 9:
      return {};
    case 10:
      return HUGE;
    case 11:
      return rng.next() < 0.5 ? DEEP_ARRAY : DEEP_OBJECT;
    case 12:
      return [rng.int(10), "x"];
    case 13:
      return { sha256: "cd".repeat(32), size: rng.int(100) };
    case 14:
      return "A".repeat(rng.int(200));
    default:
      return rng.int(3) - 1;
  }
}

/** One random mutation of a deep copy of `base`; returns the value or JSON text and a label. */
export function mutate(base: Json, rng: Rng): { value?: Json; text?: string; label: string } {
  const kind = rng.int(9);
  if (kind <= 1) {
    // Bit flips in the canonical-ish JSON text.
    const bytes = new TextEncoder().encode(JSON.stringify(base));
    const flips = 1 + rng.int(3);
    for (let i = 0; i < flips; i++) bytes[rng.int(bytes.length)] ^= 1 << rng.int(8);
    return { text: new TextDecoder().decode(bytes), label: `bitflip x${flips}` };
  }
  if (kind === 2) {
    // Deep nesting or huge text at the JSON-text level.
    const text = JSON.stringify(base);
    const at = text.indexOf(":", rng.int(text.length)) + 1 || 1;
    const insert = rng.next() < 0.5 ? "[".repeat(10_000) + "]".repeat(10_000) : `"${HUGE}"`;
    const end = text.slice(at).search(/[,}]/) + at;
    return { text: text.slice(0, at) + insert + text.slice(end), label: "text splice" };
  }
  const copy = structuredClone(base);
  const all = slots(copy);
  if (kind === 3) {
    const [parent, key] = rng.pick(all);
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
    return { value: copy, label: `remove ${key}` };
  }
  if (kind === 4) {
    const target = rng.pick(containers(copy));
    const key = rng.pick(["extra", "__proto__", "id", "version", "", "fuel", "url", "/x"]);
    const value = randomValue(rng);
    if (Array.isArray(target)) target.push(value);
    else {Object.defineProperty(target, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });}
    return { value: copy, label: `add ${key}` };
  }
  if (kind === 5 && all.length > 1) {
    // Swap two values.
    const [p1, k1] = rng.pick(all);
    const [p2, k2] = rng.pick(all);
    const a = (p1 as Record<string, Json>)[k1 as string];
    (p1 as Record<string, Json>)[k1 as string] = (p2 as Record<string, Json>)[k2 as string];
    (p2 as Record<string, Json>)[k2 as string] = a;
    return { value: copy, label: `swap ${k1}<->${k2}` };
  }
  // Replace a value (type swap, huge string, deep nesting...).
  const [parent, key] = rng.pick(all);
  (parent as Record<string, Json>)[key as string] = randomValue(rng);
  return { value: copy, label: `replace ${key}` };
}
