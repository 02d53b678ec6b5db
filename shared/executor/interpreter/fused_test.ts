// Superinstructions (fused op sequences) against V8: results, traps and fuel
// (which must count every wasm instruction a fused op carries).
import { assert, assertEquals, assertThrows } from "../../testing/mod.ts";
import { both, countOps, opPcs, outcome, wat } from "./_wat_test_util.ts";
import {
  compileModule,
  FuelExhausted,
  instantiate,
  type InterpInstance,
  type InterpModule,
  WasmTrap,
} from "./mod.ts";
import { Op } from "./_ops.ts";

const OP1 = ["add", "sub", "mul", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr"];
const OP2 = ["add", "and", "or", "xor"];
const IMMS = [0, 1, 5, 31, 32, 33, -1, 0x12345678];
const VALS = [0, 1, -1, 7, 31, 32, 0x7fffffff, -0x80000000, 0x12345678, -0x5a5a5a5b];

/**
 * Runs `run` on a fresh instance under every fuel limit up to what a full run
 * uses: below it the run stops with FuelExhausted and exactly the limit used,
 * at it the run returns the full run's result. `check` looks at each stopped
 * or finished instance. Returns the full run's fuel.
 */
function assertEveryFuelLimit(
  mod: InterpModule,
  run: (inst: InterpInstance) => unknown,
  check?: (inst: InterpInstance, limit: number) => void,
): number {
  const full = instantiate(mod, {});
  const want = run(full), total = full.fuelUsed();
  for (let limit = 0; limit <= total; limit++) {
    const inst = instantiate(mod, {}, { fuel: limit });
    if (limit < total) assertThrows(() => run(inst), FuelExhausted);
    else assertEquals(run(inst), want);
    assertEquals(inst.fuelUsed(), limit, `limit ${limit}`);
    check?.(inst, limit);
  }
  return total;
}

/** Fused-pair shapes: [name suffix, body, wasm instruction count]. */
function shapes(o1: string, o2: string): [string, string, number][] {
  const out: [string, string, number][] = [
    // fused value as the right operand, the left a local
    ["rr_b", `local.get 2 local.get 0 local.get 1 i32.${o1} i32.${o2}`, 5],
    // fused value as the left operand
    ["rr_a", `local.get 0 local.get 1 i32.${o1} local.get 2 i32.${o2}`, 5],
    // the left operand a stack slot computed before the pair
    [
      "rr_s",
      `local.get 2 i32.const 3 i32.mul local.get 0 local.get 1 i32.${o1} i32.${o2}`,
      7,
    ],
    // result redirected into a local, then a chain of pairs
    [
      "rr_set",
      `local.get 2 local.get 0 local.get 1 i32.${o1} i32.${o2} local.set 2
       local.get 2 local.get 2 local.get 1 i32.${o1} i32.${o2} local.tee 2 local.get 2 i32.${o2}`,
      14,
    ],
  ];
  // two shifts/rotates by immediates combined (DUAL), also with a stack slot below
  [[7, 18], [0, 31], [32, 1], [-1, 33]].forEach(([j, k], i) => {
    out.push([
      `dual${i}`,
      `local.get 0 i32.const ${j} i32.${o1} local.get 1 i32.const ${k} i32.${o1} i32.${o2}`,
      7,
    ]);
    out.push([
      `dual_s${i}`,
      `local.get 2 local.get 0 i32.const ${j} i32.${o1} local.get 0 i32.const ${k} i32.${o1}
       i32.${o2} i32.${o2}`,
      9,
    ]);
  });
  IMMS.forEach((k, i) => {
    out.push([`ri_b${i}`, `local.get 2 local.get 0 i32.const ${k} i32.${o1} i32.${o2}`, 5]);
    out.push([`ri_a${i}`, `local.get 0 i32.const ${k} i32.${o1} local.get 2 i32.${o2}`, 5]);
  });
  return out;
}

Deno.test("fused i32 pairs equal V8 and count every instruction", async () => {
  const fns: string[] = [];
  const counts = new Map<string, number>();
  for (const o1 of OP1) {
    for (const o2 of OP2) {
      for (const [s, body, n] of shapes(o1, o2)) {
        const name = `${o1}_${o2}_${s}`;
        counts.set(name, n);
        fns.push(`(func (export "${name}") (param i32 i32 i32) (result i32) ${body})`);
      }
    }
  }
  const bytes = await wat(`(module ${fns.join("\n")})`);
  const { code } = compileModule(bytes).code;
  const fused = countOps(code, (op) => op >= Op.FUSE_RI && op < Op.LOAD_ADDI);
  assert(fused >= OP1.length * OP2.length * 20, `only ${fused} fused ops`);
  const duals = countOps(code, (op) => op >= Op.DUAL && op < Op.DUAL + 20);
  assert(duals >= 5 * OP2.length * 8, `only ${duals} DUAL ops`);
  const e = both(bytes);
  for (const [name, n] of counts) {
    for (const a of VALS) {
      for (const b of [0, 1, 5, 31, 32, 33, -1, 0x12345678]) {
        const c = a ^ 0x0f0f0f0f;
        const before = e.fuelUsed();
        assertEquals(e.interp[name](a, b, c), e.v8[name](a, b, c), `${name}(${a}, ${b}, ${c})`);
        assertEquals(e.fuelUsed() - before, n, `${name}: fuel`);
      }
    }
  }
});

Deno.test("i32.load of (x + constant) equals V8: results, bounds traps and fuel", async () => {
  const fns: string[] = [];
  const KS = [0, 1, 4, -4, 65532, 65533, 0x7fffffff, -1];
  const OFFS = [0, 1, 4, 65532];
  KS.forEach((k, i) =>
    OFFS.forEach((off, j) => {
      fns.push(`(func (export "l${i}_${j}") (param i32) (result i32)
        local.get 0 i32.const ${k} i32.add i32.load offset=${off})`);
      fns.push(`(func (export "r${i}_${j}") (param i32) (result i32)
        i32.const ${k} local.get 0 i32.add i32.load offset=${off})`);
      fns.push(`(func (export "s${i}_${j}") (param i32) (result i32) (local i32)
        i32.const ${k} local.set 1 local.get 0 local.get 1 i32.add i32.load offset=${off})`);
    })
  );
  const bytes = await wat(
    `(module (memory 1) (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08")
    (data (i32.const 65528) "\\11\\12\\13\\14\\15\\16\\17\\18") ${fns.join("\n")})`,
  );
  const { code } = compileModule(bytes).code;
  const fusedLoads = countOps(code, (op) => op === Op.LOAD_ADDI || op === Op.LOAD_ADD);
  assert(fusedLoads >= fns.length, `${fusedLoads} fused loads`);
  const e = both(bytes);
  for (let i = 0; i < KS.length; i++) {
    for (let j = 0; j < OFFS.length; j++) {
      for (
        const x of [0, 1, 2, 3, 4, 65528, 65531, 65532, 65533, -1, -4, 0x7fffffff, -0x80000000]
      ) {
        for (
          const [name, n] of [[`l${i}_${j}`, 4], [`r${i}_${j}`, 4], [`s${i}_${j}`, 6]] as const
        ) {
          const before = e.fuelUsed();
          const got = outcome(() => e.interp[name](x));
          assertEquals(got, outcome(() => e.v8[name](x)), `${name}(${x})`);
          assertEquals(e.fuelUsed() - before, n, `${name}(${x}): fuel`);
        }
      }
    }
  }
});

Deno.test("fuel limits inside fused sequences stop exactly", async () => {
  const mod = compileModule(
    await wat(`(module (memory (export "mem") 1)
    (func (export "run") (param i32 i32) (result i32) (local i32)
      local.get 1 local.get 0 i32.const 7 i32.rotr i32.xor local.set 2
      local.get 2 local.get 0 local.get 1 i32.and i32.add local.set 2
      i32.const 0 local.get 2 i32.store
      local.get 0 i32.const 65532 i32.add i32.load offset=0
      local.get 2 i32.add))`),
  );
  const total = assertEveryFuelLimit(
    mod,
    (inst) => (inst.exports.run as (a: number, b: number) => number)(0, 9),
    (inst, limit) => {
      const stored = new Int32Array((inst.exports.mem as { buffer: ArrayBuffer }).buffer)[0];
      assertEquals(stored !== 0, limit >= 15, `limit ${limit}: store`);
    },
  );
  assertEquals(total, 21);
  // the fused load traps out of bounds: charged up to and including the load
  const inst = instantiate(mod, {});
  assertThrows(() => (inst.exports.run as (a: number, b: number) => number)(8, 9));
  assertEquals(inst.fuelUsed(), 19);
});

Deno.test("runs of local moves (COPY32N) keep their order", async () => {
  const bytes = await wat(`(module
    (func (export "rot") (param i32 i32 i32 i32) (result i32)
      local.get 1 local.set 0 local.get 2 local.set 1 local.get 3 local.set 2
      local.get 0 local.set 3 local.get 1 local.set 0
      local.get 0 i32.const 1000 i32.mul local.get 1 i32.const 100 i32.mul i32.add
      local.get 2 i32.const 10 i32.mul i32.add local.get 3 i32.add))`);
  const { code } = compileModule(bytes).code;
  assert(countOps(code, (op) => op === Op.COPY32N) > 0);
  const e = both(bytes);
  const before = e.fuelUsed();
  assertEquals(e.interp.rot(1, 2, 3, 4), e.v8.rot(1, 2, 3, 4));
  assertEquals(e.fuelUsed() - before, 23);
});

Deno.test("loop counter step + compare + br_if (ADDI_BR_CMP) equal V8, exact fuel", async () => {
  const CMPS = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];
  const fns: string[] = [];
  // count iterations of `do { i += step; n++ } while (i cmp bound)`, capped at 50
  const loop = (name: string, step: number, test: string) =>
    fns.push(`(func (export "${name}") (param i32 i32 i32) (result i32) (local i32)
      loop
        local.get 3 i32.const 1 i32.add local.set 3
        local.get 3 i32.const 50 i32.eq if local.get 3 return end
        local.get 0 i32.const ${step} i32.add local.tee 0 ${test} br_if 0
      end
      local.get 3 i32.const 1000 i32.mul local.get 0 i32.add)`);
  for (const c of CMPS) {
    for (const [k, step] of [1, -2, 0x7fffffff].entries()) {
      loop(`ri_${c}_${k}`, step, `i32.const 7 i32.${c}`);
      loop(`rr_${c}_${k}`, step, `local.get 2 i32.${c}`);
    }
  }
  loop("if", 3, "");
  fns.push(`(func (export "tmp") (param i32 i32 i32) (result i32) (local i32)
    loop
      local.get 3 i32.const 1 i32.add local.set 3
      local.get 3 i32.const 50 i32.eq if local.get 3 return end
      local.get 0 i32.const 3 i32.add br_if 0
    end
    local.get 3)`);
  const bytes = await wat(`(module ${fns.join("\n")})`);
  const { code } = compileModule(bytes).code;
  const fused = opPcs(code).filter((pc) =>
    code[pc] >= Op.ADDI_BR_CMP_RI && code[pc] < Op.ADDI_BR_CMP + 10
  );
  assert(fused.length >= 6 * CMPS.length + 2, `${fused.length} fused loop tests`);
  const e = both(bytes);
  const starts = [0, 1, 6, 7, 8, -3, -1, 0x7ffffffe, -0x80000000];
  for (const name of Object.keys(e.v8)) {
    for (const i of starts) {
      for (const step of [1, 2, -1, 0]) {
        for (const bound of [7, 0, -2, 0x7fffffff]) {
          assertEquals(e.interp[name](i, step, bound), e.v8[name](i, step, bound), name);
        }
      }
    }
  }
  // fuel: exact at every limit through a fused loop test
  const total = assertEveryFuelLimit(
    compileModule(bytes),
    (inst) => (inst.exports.ri_lt_s_0 as (...a: number[]) => number)(0, 1, 0),
  );
  assertEquals(total, 7 * 15 + 5);
});

Deno.test("i32.sub of a constant runs as an add of its negation: V8 results, same fuel", async () => {
  const ks = [...IMMS, -0x80000000, 0x7fffffff];
  const fns = ks.map((k, i) =>
    `(func (export "s${i}") (param i32) (result i32) local.get 0 i32.const ${k} i32.sub)`
  );
  // a count-down loop: the decrement fuses with the test (ADDI_BR_CMP)
  fns.push(`(func (export "down") (param i32) (result i32) (local i32)
    loop
      local.get 1 i32.const 3 i32.add local.set 1
      local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0
    end
    local.get 1)`);
  const bytes = await wat(`(module ${fns.join("\n")})`);
  const { code } = compileModule(bytes).code;
  for (const pc of opPcs(code)) {
    assert(code[pc] !== Op.ARITH_RI + 1, `i32.sub immediate left at ${pc}`);
  }
  const e = both(bytes);
  ks.forEach((k, i) => {
    for (const v of VALS) {
      const before = e.fuelUsed();
      assertEquals(e.interp[`s${i}`](v), e.v8[`s${i}`](v), `${v} - ${k}`);
      assertEquals(e.fuelUsed() - before, 3);
    }
  });
  for (const n of [1, 2, 10]) {
    const before = e.fuelUsed();
    assertEquals(e.interp.down(n), e.v8.down(n));
    assertEquals(e.fuelUsed() - before, 9 * n + 1);
  }
});

Deno.test("a move before a loop step + br_if ne (MOV_ADDI_BR_NE) equal V8, exact fuel", async () => {
  const bytes = await wat(`(module
    (func (export "prev") (param i32) (result i32) (local i32 i32)
      loop
        local.get 1 local.get 0 i32.add local.set 1
        local.get 0 local.set 2
        local.get 0 i32.const 3 i32.add local.tee 0 i32.const 30 i32.ne br_if 0
      end
      local.get 1 i32.const 1000 i32.mul local.get 2 i32.add)
    (func (export "over") (param i32) (result i32) (local i32 i32)
      loop
        local.get 0 i32.const 1 i32.add local.set 2
        local.get 1 local.get 2 i32.add local.set 1
        local.get 2 local.set 0
        local.get 0 i32.const 2 i32.add local.tee 0 i32.const 31 i32.ne br_if 0
      end
      local.get 1 i32.const 1000 i32.mul local.get 0 i32.add))`);
  const { code } = compileModule(bytes).code;
  assertEquals(countOps(code, (op) => op === Op.MOV_ADDI_BR_NE), 2);
  const e = both(bytes);
  for (const i of [0, 3, 27, -3]) assertEquals(e.interp.prev(i), e.v8.prev(i), `prev(${i})`);
  for (const i of [1, 4, 28, -2]) assertEquals(e.interp.over(i), e.v8.over(i), `over(${i})`);
  // fuel: exact at every limit through the fused loop test
  const mod = compileModule(bytes);
  for (const name of ["prev", "over"]) {
    const total = assertEveryFuelLimit(
      mod,
      (inst) => (inst.exports[name] as (i: number) => number)(name === "prev" ? 21 : 22),
    );
    assertEquals(total, 3 * (name === "prev" ? 13 : 17) + 5, name);
  }
});

Deno.test("moves merged into a branch (COPY32N_BR) equal V8, with exact fuel", async () => {
  const bytes = await wat(`(module
    (func (export "fib") (param i32) (result i32) (local i32 i32 i32)
      i32.const 1 local.set 2
      block loop
        local.get 0 i32.eqz br_if 1
        local.get 1 local.get 2 i32.add local.set 3
        local.get 2 local.set 1 local.get 3 local.set 2
        local.get 0 i32.const 1 i32.sub local.set 0
        local.get 1 local.set 3
        br 0
      end end
      local.get 1)
    (func (export "sel") (param i32 i32 i32) (result i32) (local i32)
      local.get 0 if
        local.get 1 local.set 3 local.get 2 local.set 1 local.get 3 local.set 2
      else
        local.get 2 local.set 1
      end
      local.get 1 i32.const 100 i32.mul local.get 2 i32.add))`);
  const { code } = compileModule(bytes).code;
  assert(countOps(code, (op) => op === Op.COPY32N_BR) > 0);
  const e = both(bytes);
  for (const n of [0, 1, 2, 10, 40]) {
    const before = e.fuelUsed();
    assertEquals(e.interp.fib(n), e.v8.fib(n));
    assertEquals(e.fuelUsed() - before, 6 + 18 * n, `fib(${n}) fuel`);
  }
  for (const c of [0, 1]) {
    const before = e.fuelUsed();
    assertEquals(e.interp.sel(c, 3, 4), e.v8.sel(c, 3, 4));
    assertEquals(e.fuelUsed() - before, c ? 13 : 9);
  }
  const run = (inst: InterpInstance) => (inst.exports.fib as (n: number) => number)(3);
  assertEquals(run(instantiate(compileModule(bytes), {})), 2);
  assertEveryFuelLimit(compileModule(bytes), run);
});

Deno.test("three shifts/rotates xor-ed (TRIPLE) equal V8 and count every instruction", async () => {
  const SH = ["shl", "shr_s", "shr_u", "rotl", "rotr"];
  const fns: string[] = [];
  const names: [string, number][] = [];
  const add = (name: string, body: string, n: number) => {
    fns.push(`(func (export "${name}") (param i32 i32 i32) (result i32) ${body})`);
    names.push([name, n]);
  };
  for (const o1 of SH) {
    for (const o2 of SH) {
      for (const [i, [a, b, c]] of [[2, 13, 22], [0, 31, 32], [-1, 7, 3]].entries()) {
        const dual =
          `local.get 0 i32.const ${a} i32.${o1} local.get 0 i32.const ${b} i32.${o1} i32.xor`;
        add(`t_${o1}_${o2}_${i}`, `${dual} local.get 0 i32.const ${c} i32.${o2} i32.xor`, 11);
        add(`u_${o1}_${o2}_${i}`, `${dual} local.get 1 i32.const ${c} i32.${o2} i32.xor`, 11);
        add(
          `v_${o1}_${o2}_${i}`,
          `local.get 2 ${dual} local.get 1 i32.const ${c} i32.${o2} i32.xor i32.add`,
          13,
        );
        // the TRIPLE adds a computed value, then the sum goes to a local and is used again
        add(
          `x_${o1}_${o2}_${i}`,
          `local.get 1 local.get 2 i32.mul ${dual} local.get 0 i32.const ${c} i32.${o2} i32.xor
           i32.add local.tee 2 local.get 2 i32.add`,
          18,
        );
        // not a TRIPLE: the DUAL combines with or
        add(
          `w_${o1}_${o2}_${i}`,
          `local.get 0 i32.const ${a} i32.${o1} local.get 1 i32.const ${b} i32.${o1} i32.or
           local.get 0 i32.const ${c} i32.${o2} i32.xor`,
          11,
        );
      }
    }
  }
  const bytes = await wat(`(module ${fns.join("\n")})`);
  const { code } = compileModule(bytes).code;
  const isTriple = (op: number) => op >= Op.TRIPLE && op < Op.TRIPLE + 25;
  const triples = countOps(code, isTriple);
  assert(triples >= 25 * 12, `only ${triples} TRIPLE ops`);
  const adds = countOps(code, (op, pc) => isTriple(op) && code[pc + 3] >= 0);
  assert(adds >= 25 * 6, `only ${adds} TRIPLE ops with a fused i32.add`);
  const e = both(bytes);
  for (const [name, n] of names) {
    for (const a of VALS) {
      const before = e.fuelUsed();
      assertEquals(e.interp[name](a, ~a, 77), e.v8[name](a, ~a, 77), `${name}(${a})`);
      assertEquals(e.fuelUsed() - before, n, `${name}: fuel`);
    }
  }
});

Deno.test("in-place shift-xor chains (XSH) equal V8, exact fuel, also cut by fuel limits", async () => {
  const step = (op: string, k: number) =>
    `local.get 0 local.get 0 i32.const ${k} i32.${op} i32.xor local.set 0`;
  const chains: [string, [string, number][]][] = [
    ["xorshift32", [["shl", 13], ["shr_u", 17], ["shl", 5]]],
    ["two", [["shr_u", 16], ["shl", 0]]],
    ["four", [["shl", 1], ["shl", 31], ["shr_u", 32], ["shr_u", 33]]],
    ["five", [["shr_u", 7], ["shl", -1], ["shl", 9], ["shr_u", 3], ["shl", 12]]],
    // shr_s is not an XSH step: the chain is split around it
    ["signed", [["shl", 3], ["shr_s", 5], ["shl", 7], ["shr_u", 2]]],
  ];
  const fns = chains.map(([name, steps]) =>
    `(func (export "${name}") (param i32 i32) (result i32)
       ${steps.map(([op, k]) => step(op, k)).join("\n")}
       local.get 0 local.get 1 i32.add)`
  );
  // the loop shape of the sha256 bench's data generator: stores between chains
  fns.push(`(memory 1) (func (export "gen") (param i32 i32) (result i32) (local i32)
    loop
      local.get 2 i32.const 100 i32.add
      ${step("shl", 13)} ${step("shr_u", 17)} ${step("shl", 5)}
      local.get 0 i32.store8
      local.get 2 i32.const 1 i32.add local.tee 2 local.get 1 i32.lt_u br_if 0
    end
    local.get 0 i32.const 100 i32.load i32.add)`);
  const bytes = await wat(`(module ${fns.join("\n")})`);
  const { code } = compileModule(bytes).code;
  const xsh = opPcs(code).filter((pc) => code[pc] === Op.XSH).map((pc) =>
    code[pc + 2] >= 1 << 18 ? 3 : 2
  );
  // xorshift32 3, two 2, four 3 (+ a lone step), five 3 + 2, signed: the two steps after
  // the shr_s, gen 3
  assertEquals(xsh, [3, 2, 3, 3, 2, 2, 3]);
  const e = both(bytes);
  for (const [name, steps] of chains) {
    for (const a of VALS) {
      const before = e.fuelUsed();
      assertEquals(e.interp[name](a, 7), e.v8[name](a, 7), `${name}(${a})`);
      assertEquals(e.fuelUsed() - before, 6 * steps.length + 3, `${name}: fuel`);
    }
  }
  for (const n of [1, 2, 50]) {
    for (const a of VALS) assertEquals(e.interp.gen(a, n), e.v8.gen(a, n), `gen(${a}, ${n})`);
  }
  // a fuel limit anywhere inside the chain stops with exactly that much fuel used
  const total = assertEveryFuelLimit(
    compileModule(bytes),
    (inst) => (inst.exports.xorshift32 as (a: number, b: number) => number)(5, 7),
  );
  assertEquals(total, 21);
});

Deno.test("the majority function (MAJ) equals V8 and counts every instruction", async () => {
  const first = "local.get 1 local.get 2 i32.xor local.get 0 i32.and";
  const shapes: [string, string, number, boolean][] = [
    ["maj", `${first} local.get 1 local.get 2 i32.and i32.xor`, 9, true],
    ["swapped", `${first} local.get 2 local.get 1 i32.and i32.xor`, 9, true],
    ["left", `local.get 1 local.get 2 i32.and ${first} i32.xor`, 9, false],
    // other registers in the second pair: two fused pairs, no MAJ
    ["other", `${first} local.get 0 local.get 2 i32.and i32.xor`, 9, false],
    // the sum goes on: MAJ, then its result is added to a local
    ["sum", `${first} local.get 1 local.get 2 i32.and i32.xor local.get 0 i32.add`, 11, true],
    // the result set to a local (the MAJ's packed destination is redirected)
    [
      "set",
      `${first} local.get 1 local.get 2 i32.and i32.xor local.set 1 local.get 1 local.get 0 i32.add`,
      13,
      true,
    ],
  ];
  const bytes = await wat(
    `(module ${
      shapes.map(([name, body]) =>
        `(func (export "${name}") (param i32 i32 i32) (result i32) ${body})`
      ).join("\n")
    })`,
  );
  const { code } = compileModule(bytes).code;
  const majs = countOps(code, (op) => op === Op.MAJ);
  assertEquals(majs, shapes.filter(([, , , m]) => m).length);
  const e = both(bytes);
  for (const [name, , n] of shapes) {
    for (const a of VALS) {
      const before = e.fuelUsed();
      const args = [a, a ^ 0x0ff00ff0, ~a + 12345] as const;
      assertEquals(e.interp[name](...args), e.v8[name](...args), `${name}(${a})`);
      assertEquals(e.fuelUsed() - before, n, `${name}: fuel`);
    }
  }
});

Deno.test("two or three i32.add set to locals (ADD2, ADD3) equal V8, exact fuel at every limit", async () => {
  const bytes = await wat(`(module
    (func (export "indep") (param i32 i32 i32) (result i32) (local i32 i32)
      local.get 0 local.get 1 i32.add local.set 3
      local.get 1 local.get 2 i32.add local.set 4
      local.get 3 local.get 4 i32.xor)
    (func (export "dep") (param i32 i32 i32) (result i32)
      local.get 0 local.get 1 i32.add local.set 2
      local.get 2 local.get 2 i32.add local.set 0
      local.get 0 local.get 2 i32.sub)
    (func (export "three") (param i32 i32 i32) (result i32)
      local.get 0 local.get 1 i32.add local.set 0
      local.get 0 local.get 2 i32.add local.set 1
      local.get 1 local.get 0 i32.add local.set 2
      local.get 2)
    (func (export "four") (param i32 i32 i32) (result i32)
      local.get 0 local.get 1 i32.add local.set 0
      local.get 0 local.get 2 i32.add local.set 1
      local.get 1 local.get 0 i32.add local.set 2
      local.get 2 local.get 1 i32.add local.set 0
      local.get 0 local.get 2 i32.sub))`);
  const { code } = compileModule(bytes).code;
  assertEquals(countOps(code, (op) => op === Op.ADD2), 2);
  // three and four: the first three adds; the fourth stays alone
  assertEquals(countOps(code, (op) => op === Op.ADD3), 2);
  const e = both(bytes);
  const fuel: Record<string, number> = { indep: 11, dep: 11, three: 13, four: 19 };
  for (const name of Object.keys(fuel)) {
    for (const a of VALS) {
      const before = e.fuelUsed();
      assertEquals(e.interp[name](a, ~a, 0x7fffffff), e.v8[name](a, ~a, 0x7fffffff), name);
      assertEquals(e.fuelUsed() - before, fuel[name], `${name}: fuel`);
    }
    const total = assertEveryFuelLimit(
      compileModule(bytes),
      (inst) => (inst.exports[name] as (a: number, b: number, c: number) => number)(1, 2, 3),
    );
    assertEquals(total, fuel[name]);
  }
});

Deno.test("LLVM's byte-swap expansion (BSWAP) equals V8, exact fuel at every limit", async () => {
  // what clang emits for __builtin_bswap32 after local.get/local.tee x
  const swap = (x: number, mask = 0xff0000) =>
    `i32.const 24 i32.shl local.get ${x} i32.const 8 i32.shl i32.const ${mask} i32.and i32.or
     local.get ${x} i32.const 8 i32.shr_u i32.const 65280 i32.and
     local.get ${x} i32.const 24 i32.shr_u i32.or i32.or`;
  const bytes = await wat(`(module
    (func (export "get") (param i32) (result i32) (local i32 i32)
      local.get 0 ${swap(0)})
    (func (export "tee") (param i32) (result i32) (local i32 i32)
      local.get 0 i32.const 1 i32.add local.tee 1 ${swap(1)} local.get 1 i32.add)
    (func (export "set") (param i32) (result i32) (local i32 i32)
      local.get 0 ${swap(0)} local.set 2 local.get 2)
    (func (export "near") (param i32) (result i32) (local i32 i32)
      local.get 0 ${swap(0, 0xff00ff)})
    (func (export "other") (param i32) (result i32) (local i32 i32)
      local.get 0 local.set 1 local.get 0 ${swap(1)}))`);
  const { code } = compileModule(bytes).code;
  assertEquals(countOps(code, (op) => op === Op.BSWAP), 3);
  const e = both(bytes);
  const fuel: Record<string, number> = { get: 19, tee: 24, set: 21, near: 19, other: 21 };
  for (const name of Object.keys(fuel)) {
    for (const a of [...VALS, 0x11223344, 0x80, 0xff000000 | 0]) {
      const before = e.fuelUsed();
      assertEquals(e.interp[name](a), e.v8[name](a), `${name}(${a})`);
      assertEquals(e.fuelUsed() - before, fuel[name], `${name}: fuel`);
    }
    const total = assertEveryFuelLimit(
      compileModule(bytes),
      (inst) => (inst.exports[name] as (a: number) => number)(0x11223344),
    );
    assertEquals(total, fuel[name]);
  }
  assertEquals(e.interp.get(0x11223344), 0x44332211);
});

Deno.test("stores to x + c take the add in (STORE_ADDI): memory as V8's, exact fuel and traps", async () => {
  // [body, instructions, address, bytes stored]; local 1 starts at -40 (a
  // negative index, as clang's loop strength reduction leaves them)
  // deno-fmt-ignore
  const groups: [string, number, number, number][] = [
    ["local.get 1 i32.const 100 i32.add local.get 0 i32.const 3 i32.mul local.tee 0 i32.store8", 8, 60, 1],
    ["local.get 1 i32.const 140 i32.add local.get 0 i32.const 5 i32.add local.tee 0 i32.store offset=4", 8, 104, 4],
    ["local.get 1 i32.const 180 i32.add local.get 1 local.get 0 i32.xor i32.store", 7, 140, 4],
    // the add's source written before the store: not fused
    ["local.get 1 i32.const 220 i32.add i32.const -1 local.tee 1 i32.store8", 6, 180, 1],
    ["local.get 1 i32.const 303 i32.add local.get 0 i32.store", 5, 302, 4],
  ];
  const bytes = await wat(`(module (memory (export "mem") 1)
    (func (export "run") (param i32 i32) ${groups.map(([g]) => g).join("\n")})
    (func (export "oob") (param i32)
      local.get 0 i32.const 65533 i32.add local.get 0 i32.const 1 i32.add local.tee 0 i32.store))`);
  const mod = compileModule(bytes);
  const stores = countOps(mod.code.code, (op) => op === Op.STORE_ADDI || op === Op.STORE8_ADDI);
  assertEquals(stores, 4);
  const e = both(bytes);
  e.v8.run(0x01020304, -40);
  e.interp.run(0x01020304, -40);
  const mem = (x: Record<string, unknown>) =>
    new Uint8Array((x.mem as { buffer: ArrayBuffer }).buffer);
  assertEquals(mem(e.interp).subarray(0, 400), mem(e.v8).subarray(0, 400));
  assertEquals(e.fuelUsed(), groups.reduce((n, [, c]) => n + c, 0));
  const before = e.fuelUsed();
  assertEquals(outcome(() => e.interp.oob(0)), outcome(() => e.v8.oob(0)));
  assertEquals(e.fuelUsed() - before, 8, "a trapping STORE_ADDI charges through itself");
  // every limit: exactly the stores whose instructions all fit are done
  const full = mem(e.v8);
  assertEveryFuelLimit(
    mod,
    (inst) => (inst.exports.run as (a: number, b: number) => void)(0x01020304, -40),
    (inst, limit) => {
      const m = mem(inst.exports);
      let end = 0;
      for (const [, n, at, len] of groups) {
        end += n;
        const want = limit >= end ? full.subarray(at, at + len) : new Uint8Array(len);
        assertEquals(m.subarray(at, at + len), want, `limit ${limit}, store at ${at}`);
      }
    },
  );
});

Deno.test("an add of a loaded word (LOAD_ADDI_ADD) equals V8; a trapping load charges only itself", async () => {
  const bytes = await wat(`(module (memory (export "mem") 1)
    (data (i32.const 16) "\\01\\02\\03\\04\\ff\\ff\\ff\\7f\\78\\56\\34\\12\\00\\00\\00\\80")
    ;; sum += a[i], the sum forwarded before the load
    (func (export "before") (param i32) (result i32) (local i32)
      local.get 1 local.get 0 i32.const 16 i32.add i32.load i32.add local.set 1
      local.get 1 local.get 0 i32.const 20 i32.add i32.load offset=4 i32.add)
    ;; the other operand read after the load
    (func (export "after") (param i32) (result i32)
      local.get 0 i32.const 17 i32.add i32.load local.get 0 i32.add)
    ;; out of bounds: the load traps before the add
    (func (export "oob") (param i32) (result i32)
      local.get 0 i32.const 65534 i32.add i32.load local.get 0 i32.add))`);
  const mod = compileModule(bytes);
  assertEquals(countOps(mod.code.code, (op) => op === Op.LOAD_ADDI_ADD), 4);
  const e = both(bytes);
  const fuel: Record<string, number> = { before: 13, after: 6 };
  for (const name of Object.keys(fuel)) {
    for (const a of [0, 4, -4, 8, 65536 - 40, -17]) {
      const before = e.fuelUsed();
      assertEquals(outcome(() => e.interp[name](a)), outcome(() => e.v8[name](a)), `${name}(${a})`);
      if (a >= -4 && a <= 8) assertEquals(e.fuelUsed() - before, fuel[name], `${name}: fuel`);
    }
    const total = assertEveryFuelLimit(
      mod,
      (inst) => (inst.exports[name] as (a: number) => number)(4),
    );
    assertEquals(total, fuel[name]);
  }
  // every limit on the trapping one: below the load fuel runs out, from it on the trap wins
  assertEquals(outcome(() => e.interp.oob(0)), outcome(() => e.v8.oob(0)));
  for (let limit = 0; limit <= 6; limit++) {
    const inst = instantiate(mod, {}, { fuel: limit });
    assertThrows(
      () => (inst.exports.oob as (a: number) => number)(0),
      limit < 4 ? FuelExhausted : WasmTrap,
    );
    assertEquals(inst.fuelUsed(), Math.min(limit, 4), `limit ${limit}`);
  }
});

Deno.test("a loop's counter step joins its back-edge moves (ADDI_COPY32N_BR): V8's results, exact fuel", async () => {
  const loop = (moves: string) => `
    i32.const 7 local.set 1
    block loop
      local.get 2 i32.const 20 i32.ge_u br_if 1
      local.get 0 local.get 1 i32.add local.set 3
      local.get 2 i32.const 3 i32.add local.set 2
      ${moves}
      br 0
    end end
    local.get 0 local.get 1 i32.xor local.get 2 i32.add local.get 3 i32.add`;
  const bytes = await wat(`(module
    (func (export "rot") (param i32) (result i32) (local i32 i32 i32)
      ${loop("local.get 1 local.set 0 local.get 3 local.set 1")})
    ;; a move reads the stepped counter
    (func (export "reads") (param i32) (result i32) (local i32 i32 i32)
      ${loop("local.get 1 local.set 0 local.get 2 local.set 3 local.get 3 local.set 1")}))`);
  const mod = compileModule(bytes);
  assertEquals(countOps(mod.code.code, (op) => op === Op.ADDI_COPY32N_BR), 2);
  const e = both(bytes);
  for (const name of ["rot", "reads"]) {
    for (const a of VALS) assertEquals(e.interp[name](a), e.v8[name](a), `${name}(${a})`);
    const total = assertEveryFuelLimit(
      mod,
      (inst) => (inst.exports[name] as (a: number) => number)(5),
    );
    // 2 before the loop; 7 iterations of the test, add, step, moves and br;
    // the exit test and 7 after
    const moves = name === "rot" ? 4 : 6;
    assertEquals(total, 2 + 7 * (13 + moves) + 4 + 7);
  }
});

Deno.test("frames too large to pack registers: same results and fuel unfused", async () => {
  const body =
    `local.get 2 local.get 0 i32.const 7 i32.rotr local.get 0 i32.const 18 i32.rotr i32.xor
    local.get 0 i32.const 3 i32.shr_u i32.xor i32.add local.set 599
    local.get 599 local.get 1 local.get 598 i32.xor i32.and
    local.get 599 i32.const 9 i32.shl i32.add`;
  const bytes = await wat(`(module
    (func (export "big") (param i32 i32 i32) (result i32) (local i32) (local ${
    "i32 ".repeat(597)
  }) ${body})
    (func (export "small") (param i32 i32 i32) (result i32) (local i32) ${
    body.replaceAll(" 599", " 3").replaceAll(" 598", " 2")
  }))`);
  const e = both(bytes);
  for (const a of VALS) {
    let before = e.fuelUsed();
    assertEquals(e.interp.big(a, ~a, 5), e.v8.big(a, ~a, 5));
    assertEquals(e.fuelUsed() - before, 23);
    before = e.fuelUsed();
    assertEquals(e.interp.small(a, ~a, 5), e.v8.small(a, ~a, 5));
    assertEquals(e.fuelUsed() - before, 23);
  }
});
