// Generated straight-line i32 programs against V8: random mixes of the shapes
// the translator fuses (shift/rotate pairs and triples, in-place shift-xor,
// the majority function, add chains, loads and stores of x + c, moves, byte swaps) with plain ops,
// results sent to locals or kept on the stack. Results must equal V8's and the
// fuel must equal the number of instructions (no branches: each runs once).
import { assert, assertEquals } from "../../testing/mod.ts";
import { both, countOps, outcome, wat } from "./_wat_test_util.ts";
import { compileModule } from "./mod.ts";
import { Op } from "./_ops.ts";

/** Deterministic generator (xorshift32), so a failure reproduces. */
function prng(seed: number): (n: number) => number {
  let x = seed | 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

const LOCALS = 6; // 3 params, 3 locals
const BINOPS = [
  "add",
  "sub",
  "mul",
  "and",
  "or",
  "xor",
  "shl",
  "shr_s",
  "shr_u",
  "rotl",
  "rotr",
  "eq",
  "ne",
  "lt_s",
  "lt_u",
  "ge_s",
  "gt_u",
]; // deno-fmt-ignore
const SHIFTS = ["shl", "shr_s", "shr_u", "rotl", "rotr"];
const CONSTS = [0, 1, 2, 3, 7, 13, 17, 31, 32, 33, -1, 0x7fffffff, -0x80000000, 0x12345678];

/** One function body: instructions and how many run. */
function body(rand: (n: number) => number): { text: string; count: number } {
  const out: string[] = [];
  let depth = 0;
  const local = () => rand(LOCALS);
  const emit = (text: string, pushes: number) => {
    out.push(text);
    depth += pushes;
  };
  const steps = 10 + rand(30);
  for (let i = 0; i < steps; i++) {
    const x = local(), y = local(), z = local();
    const c = CONSTS[rand(CONSTS.length)];
    const sh = SHIFTS[rand(SHIFTS.length)];
    switch (rand(16)) {
      case 0:
        emit(`local.get ${x}`, 1);
        break;
      case 1:
        emit(`i32.const ${c}`, 1);
        break;
      case 2:
        if (depth >= 2) emit(`i32.${BINOPS[rand(BINOPS.length)]}`, -1);
        break;
      case 3:
        if (depth >= 1) {
          if (rand(2)) emit(`local.set ${x}`, -1);
          else emit(`local.tee ${x}`, 0);
        }
        break;
      case 4: // fused pair: (x op1 y|c) op2 z
        emit(
          `local.get ${z} local.get ${x} ${rand(2) ? `local.get ${y}` : `i32.const ${c}`}
           i32.${BINOPS[rand(11)]} i32.${["add", "and", "or", "xor"][rand(4)]}`,
          1,
        );
        break;
      case 5: // in-place shift-xor (xorshift)
        emit(
          `local.get ${x} local.get ${x} i32.const ${c} i32.${["shl", "shr_u", sh][rand(3)]}
           i32.xor local.set ${x}`,
          0,
        );
        break;
      case 6: // two or three shifts/rotates xor-ed, maybe plus a local (SHA-2 sigma)
        emit(
          `local.get ${x} i32.const ${rand(33)} i32.${sh} local.get ${x} i32.const ${rand(33)}
           i32.${sh} i32.xor local.get ${rand(2) ? x : y} i32.const ${rand(33)}
           i32.${SHIFTS[rand(5)]} i32.xor`,
          1,
        );
        if (rand(2)) emit(`local.get ${y} i32.add`, 0);
        break;
      case 7: // majority function
        emit(
          `local.get ${x} local.get ${y} i32.xor local.get ${z} i32.and
           local.get ${rand(2) ? x : y} local.get ${rand(2) ? y : x} i32.and i32.xor`,
          1,
        );
        break;
      case 8: // two or three adds set to locals
        emit(
          `local.get ${x} local.get ${y} i32.add local.set ${z}
           local.get ${z} local.get ${x} i32.add local.set ${local()}`,
          0,
        );
        if (rand(2)) emit(`local.get ${y} local.get ${z} i32.add local.set ${local()}`, 0);
        break;
      case 9: // i32.load of x + c (near the end of memory: some trap), maybe added to
        emit(
          `local.get ${x} i32.const 0xfffc i32.and i32.const ${rand(64)} i32.add
           i32.load offset=${rand(16)}`,
          1,
        );
        if (rand(2)) emit(`local.get ${y} i32.add`, 0);
        break;
      case 10: // i32.store to x + c (some trap)
        if (depth >= 1) {
          emit(`local.set ${x} local.get ${y} i32.const 0xfff0 i32.and local.get ${x}`, 1);
          emit(`i32.store offset=${rand(12)}`, -2);
        }
        break;
      case 11: // moves
        emit(`local.get ${x} local.set ${y} local.get ${z} local.set ${x}`, 0);
        break;
      case 12:
        if (depth >= 1) emit(`i32.${["eqz", "clz", "ctz", "popcnt", "extend8_s"][rand(5)]}`, 0);
        break;
      case 13:
        if (depth >= 1) emit(`i32.const ${c} i32.${BINOPS[rand(BINOPS.length)]}`, 0);
        break;
      case 14: { // byte swap as clang expands __builtin_bswap32, of a local.get or local.tee
        const tee = depth >= 1 && rand(2) === 1;
        emit(
          `local.${tee ? "tee" : "get"} ${x} i32.const 24 i32.shl local.get ${x} i32.const 8
           i32.shl i32.const 16711680 i32.and i32.or local.get ${x} i32.const 8 i32.shr_u
           i32.const 65280 i32.and local.get ${x} i32.const 24 i32.shr_u i32.or i32.or`,
          tee ? 0 : 1,
        );
        break;
      }
      case 15: { // store to y + c, the value computed after the address (y maybe written there)
        const w = rand(2) ? y : z;
        emit(
          `local.get ${y} i32.const 0x7ff0 i32.and local.set ${y}
           local.get ${y} i32.const ${rand(16) ? rand(64) : -1 - rand(16)} i32.add
           local.get ${x} i32.const 7 i32.add local.tee ${w}
           i32.store${rand(2) ? "8" : ""} offset=${rand(8)}`,
          0,
        );
        break;
      }
    }
  }
  // observe everything: fold the stack and every local into the result
  if (depth === 0) emit("i32.const 0", 1);
  while (depth > 1) emit("i32.xor", -1);
  for (let l = 0; l < LOCALS; l++) emit(`local.get ${l} i32.add i32.const 1 i32.rotl`, 0);
  const text = out.join("\n");
  const count = text.split(/\s+/).filter((w) => /^(i32|local)\./.test(w)).length;
  return { text, count };
}

Deno.test("generated straight-line i32 programs equal V8; fuel counts every instruction", async () => {
  const rand = prng(0x5eed);
  const funcs = Array.from({ length: 1000 }, () => body(rand));
  const bytes = await wat(`(module (memory 1)
    (data (i32.const 0) "\\de\\ad\\be\\ef\\01\\23\\45\\67\\89\\ab\\cd\\ef\\0f\\1e\\2d\\3c")
    ${
    funcs.map((f, i) =>
      `(func (export "f${i}") (param i32 i32 i32) (result i32) (local i32 i32 i32)\n${f.text})`
    ).join("\n")
  })`);
  // every fused shape is in there (the byte swaps among them)
  const { code } = compileModule(bytes).code;
  assert(countOps(code, (op) => op === Op.BSWAP) > 100);
  assert(countOps(code, (op) => op === Op.STORE_ADDI || op === Op.STORE8_ADDI) > 50);
  assert(countOps(code, (op) => op === Op.LOAD_ADDI_ADD) > 20);
  assert(countOps(code, (op) => op === Op.ADD3) > 20);
  const e = both(bytes);
  let traps = 0;
  const args = [[0, 0, 0], [1, -1, 7], [0x12345678, -0x5a5a5a5b, 31], [
    -0x80000000,
    0x7fffffff,
    33,
  ]];
  funcs.forEach((f, i) => {
    for (const a of args) {
      const before = e.fuelUsed();
      const want = outcome(() => e.v8[`f${i}`](...a));
      assertEquals(outcome(() => e.interp[`f${i}`](...a)), want, `f${i}(${a}):\n${f.text}`);
      if ("ok" in want) assertEquals(e.fuelUsed() - before, f.count, `f${i} fuel`);
      else traps++;
    }
  });
  // some loads and stores fall off the end of memory, most do not
  assert(traps > 0 && traps < funcs.length, `${traps} calls trapped`);
});
