// Differential tests of every numeric instruction against V8, with float edge
// cases passed and returned as raw bits so NaN payloads and -0 are visible.
import { assert, assertEquals } from "../../testing/mod.ts";
import { both, outcome, wat } from "./_wat_test_util.ts";

type T = "i32" | "i64" | "f32" | "f64";
/** [op, in1, in2 | null, out, bit-exact NaN] */
type OpSpec = [string, T, T | null, T, boolean?];

const ops: OpSpec[] = [];
const bin = (t: T, names: string, out: T = t, exact = false) =>
  names.split(" ").forEach((n) => ops.push([`${t}.${n}`, t, t, out, exact]));
const un = (t: T, names: string, out: T = t, exact = false) =>
  names.split(" ").forEach((n) => ops.push([`${t}.${n}`, t, null, out, exact]));

un("i32", "eqz clz ctz popcnt extend8_s extend16_s");
bin("i32", "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u", "i32");
bin("i32", "add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr");
un("i64", "eqz", "i32");
un("i64", "clz ctz popcnt extend8_s extend16_s extend32_s");
bin("i64", "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u", "i32");
bin("i64", "add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr");
for (const f of ["f32", "f64"] as T[]) {
  bin(f, "eq ne lt gt le ge", "i32");
  un(f, "abs neg", f, true);
  un(f, "ceil floor trunc nearest sqrt");
  bin(f, "add sub mul div min max");
  bin(f, "copysign", f, true);
}
const conv: [string, T, T, boolean?][] = [
  ["i32.wrap_i64", "i64", "i32"],
  ["i32.trunc_f32_s", "f32", "i32"],
  ["i32.trunc_f32_u", "f32", "i32"],
  ["i32.trunc_f64_s", "f64", "i32"],
  ["i32.trunc_f64_u", "f64", "i32"],
  ["i64.extend_i32_s", "i32", "i64"],
  ["i64.extend_i32_u", "i32", "i64"],
  ["i64.trunc_f32_s", "f32", "i64"],
  ["i64.trunc_f32_u", "f32", "i64"],
  ["i64.trunc_f64_s", "f64", "i64"],
  ["i64.trunc_f64_u", "f64", "i64"],
  ["i32.trunc_sat_f32_s", "f32", "i32"],
  ["i32.trunc_sat_f32_u", "f32", "i32"],
  ["i32.trunc_sat_f64_s", "f64", "i32"],
  ["i32.trunc_sat_f64_u", "f64", "i32"],
  ["i64.trunc_sat_f32_s", "f32", "i64"],
  ["i64.trunc_sat_f32_u", "f32", "i64"],
  ["i64.trunc_sat_f64_s", "f64", "i64"],
  ["i64.trunc_sat_f64_u", "f64", "i64"],
  ["f32.convert_i32_s", "i32", "f32"],
  ["f32.convert_i32_u", "i32", "f32"],
  ["f32.convert_i64_s", "i64", "f32"],
  ["f32.convert_i64_u", "i64", "f32"],
  ["f32.demote_f64", "f64", "f32"],
  ["f64.convert_i32_s", "i32", "f64"],
  ["f64.convert_i32_u", "i32", "f64"],
  ["f64.convert_i64_s", "i64", "f64"],
  ["f64.convert_i64_u", "i64", "f64"],
  ["f64.promote_f32", "f32", "f64"],
  ["i32.reinterpret_f32", "f32", "i32", true],
  ["i64.reinterpret_f64", "f64", "i64", true],
  ["f32.reinterpret_i32", "i32", "f32", true],
  ["f64.reinterpret_i64", "i64", "f64", true],
];
for (const [n, a, o, e] of conv) ops.push([n, a, null, o, e]);

const carrier = (t: T) => (t === "f32" ? "i32" : t === "f64" ? "i64" : t);
function fn(spec: OpSpec, i: number): string {
  const [op, a, b, out] = spec;
  const load = (k: number, t: T) =>
    `(local.get ${k})` +
    (t === "f32" ? " f32.reinterpret_i32" : t === "f64" ? " f64.reinterpret_i64" : "");
  const params = [a, b].filter((x) => x !== null).map((t) => `(param ${carrier(t!)})`).join(" ");
  const store = out === "f32"
    ? " i32.reinterpret_f32"
    : out === "f64"
    ? " i64.reinterpret_f64"
    : "";
  return `(func (export "f${i}") ${params} (result ${carrier(out)}) ${load(0, a)} ${
    b ? load(1, b) : ""
  } ${op}${store})`;
}

const I32V = [
  0,
  1,
  -1,
  2,
  7,
  -7,
  31,
  32,
  33,
  63,
  64,
  0x7fffffff,
  -0x80000000,
  0x12345678,
  0xffff,
  0x8000,
  -0x10000,
  1 << 24,
  0x7f,
  0x80,
];
const I64V = [
  0n,
  1n,
  -1n,
  2n,
  7n,
  -7n,
  31n,
  32n,
  63n,
  64n,
  65n,
  (1n << 63n) - 1n,
  -(1n << 63n),
  0x123456789abcdef0n,
  -0x123456789abcdefn,
  1n << 32n,
  (1n << 32n) - 1n,
  0x80000000n,
  -0x80000000n,
  (1n << 53n) + 1n,
  -(1n << 53n) - 3n,
  (1n << 24n) + 1n,
  0x7fffff7fffffffffn,
  -0x7fffffffffffff00n,
];
const f32b = (x: number) => new Int32Array(new Float32Array([x]).buffer)[0];
const f64b = (x: number) => new BigInt64Array(new Float64Array([x]).buffer)[0];
const FV = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  3.5,
  0.49999997,
  1e10,
  -1e10,
  2 ** 31,
  -(2 ** 31),
  2 ** 31 - 128,
  2 ** 32,
  2 ** 63,
  -(2 ** 63),
  2 ** 64,
  4294967040,
  Infinity,
  -Infinity,
  3.4028234663852886e38,
  1.4e-45,
  1.1754943508222875e-38,
  16777217,
  2 ** 52 + 0.5,
  9007199254740993,
];
const F32V = [...FV.map(f32b), 0x7fc00000, 0x7fa00001, -0x3fffff, 0x7f800001, -0x00400000 | 0];
const F64V = [
  ...FV.map(f64b),
  0x7ff8000000000000n,
  0x7ff4000000000001n,
  -0x7ffffffffffffn,
  0x7ff0000000000001n,
  -0x0008000000000000n,
];
const vals = (t: T): (number | bigint)[] =>
  t === "i32" ? I32V : t === "i64" ? I64V : t === "f32" ? F32V : F64V;

function isNaNBits(t: T, v: unknown): boolean {
  if (t === "f32") {
    return ((v as number) & 0x7f800000) === 0x7f800000 && ((v as number) & 0x7fffff) !== 0;
  }
  if (t === "f64") {
    const b = BigInt.asUintN(64, v as bigint);
    return (b & 0x7ff0000000000000n) === 0x7ff0000000000000n && (b & 0xfffffffffffffn) !== 0n;
  }
  return false;
}
function isQuiet(t: T, v: unknown): boolean {
  return t === "f32"
    ? ((v as number) & 0x400000) !== 0
    : (BigInt.asUintN(64, v as bigint) & (1n << 51n)) !== 0n;
}

Deno.test("numeric ops equal V8 on edge cases (floats as bits)", async () => {
  const bytes = await wat(`(module ${ops.map(fn).join("\n")})`);
  const { v8, interp } = both(bytes);
  let cases = 0;
  ops.forEach((spec, i) => {
    const [op, a, b, out, exact] = spec;
    const args: (number | bigint)[][] = [];
    for (const x of vals(a)) {
      if (b === null) args.push([x]);
      else for (const y of vals(b)) args.push([x, y]);
    }
    for (const arg of args) {
      const r1 = outcome(() => v8[`f${i}`](...arg));
      const r2 = outcome(() => interp[`f${i}`](...arg));
      cases++;
      const where = `${op}(${arg.join(", ")})`;
      if ("ok" in r1 && "ok" in r2 && !exact && isNaNBits(out, r1.ok)) {
        assert(isNaNBits(out, r2.ok), `${where}: V8 gave NaN, interp ${r2.ok}`);
        assert(isQuiet(out, r2.ok), `${where}: NaN result must be quiet (arithmetic)`);
        continue;
      }
      assertEquals(r2, r1, where);
    }
  });
  assert(cases > 20000, `ran ${cases} cases`);
});

Deno.test("i32 ops with constant operands and fused compare+branch equal V8", async () => {
  const names =
    "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr"
      .split(" ");
  const consts = [0, 1, -1, 5, 31, 32, 0x7fffffff, -0x80000000];
  const fns: string[] = [];
  names.forEach((n, i) =>
    consts.forEach((c, j) => {
      // right operand constant
      fns.push(
        `(func (export "r${i}_${j}") (param i32) (result i32) local.get 0 i32.const ${c} i32.${n})`,
      );
      // left operand constant
      fns.push(
        `(func (export "l${i}_${j}") (param i32) (result i32) i32.const ${c} local.get 0 i32.${n})`,
      );
      // result stored via local.set / local.tee (fused destination)
      fns.push(
        `(func (export "t${i}_${j}") (param i32) (result i32) (local i32) local.get 0 i32.const ${c} i32.${n} local.tee 1 local.get 1 i32.add)`,
      );
      if (i < 10) {
        // compare fused into br_if
        fns.push(
          `(func (export "b${i}_${j}") (param i32 i32) (result i32) block local.get 0 local.get 1 i32.${n} br_if 0 i32.const 7 return end i32.const 9)`,
        );
        fns.push(
          `(func (export "c${i}_${j}") (param i32) (result i32) block local.get 0 i32.const ${c} i32.${n} br_if 0 i32.const 7 return end i32.const 9)`,
        );
      }
    })
  );
  fns.push(
    `(func (export "z") (param i32) (result i32) block local.get 0 i32.eqz br_if 0 i32.const 7 return end i32.const 9)`,
  );
  const { v8, interp } = both(await wat(`(module ${fns.join("\n")})`));
  let cases = 0;
  for (const name of Object.keys(v8)) {
    for (const x of I32V) {
      const args = name[0] === "b" ? [x, I32V[(cases * 7) % I32V.length]] : [x];
      assertEquals(
        outcome(() => interp[name](...args)),
        outcome(() => v8[name](...args)),
        `${name}(${args})`,
      );
      cases++;
    }
  }
  assert(cases > 10000);
});
