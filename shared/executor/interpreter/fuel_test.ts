// Fuel: exact per-instruction counts, exhaustion at the precise instruction,
// exact charging of traps.
import { assert, assertEquals, assertThrows } from "../../testing/mod.ts";
import { wat } from "./_wat_test_util.ts";
import { compileModule, FuelExhausted, instantiate, WasmTrap } from "./mod.ts";

Deno.test("fuel counts executed instructions (block/loop/end/else/nop free)", async () => {
  const mod = compileModule(
    await wat(`(module
    (func (export "add") (param i32) (result i32) local.get 0 i32.const 1 i32.add)
    (func (export "loop") (param i32) (result i32) (local i32)
      block nop loop
        local.get 0 i32.eqz br_if 1                             ;; 3
        local.get 1 local.get 0 i32.add local.set 1             ;; 4
        local.get 0 i32.const 1 i32.sub local.set 0 br 0        ;; 5
      end end local.get 1)                                      ;; exit: 3 + 1
    (func (export "ifelse") (param i32) (result i32)
      local.get 0 if (result i32) i32.const 1 else i32.const 2 i32.const 3 i32.add end)
    (func $id (param i32) (result i32) local.get 0)
    (func (export "call") (result i32) i32.const 5 call $id))`),
  );
  const count = (name: string, ...args: number[]) => {
    const inst = instantiate(mod, {});
    (inst.exports[name] as (...a: number[]) => number)(...args);
    return inst.fuelUsed();
  };
  assertEquals(count("add", 1), 3);
  for (const n of [0, 1, 10, 1000]) assertEquals(count("loop", n), 12 * n + 4);
  assertEquals(count("ifelse", 1), 3);
  assertEquals(count("ifelse", 0), 5);
  assertEquals(count("call"), 3);
});

Deno.test("fuel limit stops at the exact instruction: every limit 0..total", async () => {
  // Straight-line groups of different shapes, each ending in one store; the
  // number of stores done after exhaustion at limit L must match the count.
  const groups: [string, number][] = [
    ["i32.const 0 i32.const 11 i32.store", 3],
    ["local.get 0 i32.const 1 i32.add local.set 0 i32.const 4 local.get 0 i32.store", 7],
    ["i32.const 8 local.get 0 local.get 0 i32.mul i32.store offset=0", 5],
    ["i32.const 12 i64.const 77 i64.store", 3],
    ["local.get 0 local.tee 1 drop i32.const 16 local.get 1 i32.const 3 i32.shl i32.store8", 8],
    ["i32.const 20 i32.const 0 i32.eqz i32.store", 4],
  ];
  const body = groups.map(([g], i) => `${g} i32.const 100 i32.const ${i + 1} i32.store`).join("\n");
  const mod = compileModule(
    await wat(`(module (memory (export "mem") 1)
    (func (export "run") (param i32) (local i32) ${body}))`),
  );
  const total = groups.reduce((s, [, n]) => s + n + 3, 0);
  const full = instantiate(mod, {});
  (full.exports.run as (x: number) => void)(5);
  assertEquals(full.fuelUsed(), total);
  for (let limit = 0; limit <= total + 2; limit++) {
    const inst = instantiate(mod, {}, { fuel: limit });
    const run = () => (inst.exports.run as (x: number) => void)(5);
    // how many marker stores (one per group) complete within `limit`
    let done = 0, used = 0;
    for (const [, n] of groups) {
      used += n + 3;
      if (used <= limit) done++;
    }
    if (limit >= total) run();
    else assertThrows(run, FuelExhausted);
    assertEquals(inst.fuelUsed(), Math.min(limit, total), `limit ${limit}`);
    const mem = new Uint8Array((inst.exports.mem as { buffer: ArrayBuffer }).buffer);
    assertEquals(mem[100], done, `limit ${limit}: marker`);
  }
});

Deno.test("a trap charges exactly the instructions up to and including it", async () => {
  const mod = compileModule(
    await wat(`(module (memory 1)
    (func (export "div") (param i32) (result i32) i32.const 1 local.get 0 i32.div_s)
    (func (export "ld") (param i32 i32 i32) (result i32)
      local.get 0 local.get 1 i32.add local.get 2 i32.load i32.add i32.const 1 i32.add)
    (func (export "un") (result i32) i32.const 1 i32.const 2 i32.add drop unreachable))`),
  );
  const fuelOf = (name: string, ...args: number[]) => {
    const inst = instantiate(mod, {});
    try {
      (inst.exports[name] as (...a: number[]) => number)(...args);
    } catch (e) {
      assert(e instanceof WasmTrap);
    }
    return inst.fuelUsed();
  };
  assertEquals(fuelOf("div", 0), 3);
  assertEquals(fuelOf("div", 1), 3);
  assertEquals(fuelOf("ld", 1, 2, 70000), 5);
  assertEquals(fuelOf("ld", 1, 2, 0), 8);
  assertEquals(fuelOf("un"), 5);
});

Deno.test("fuel is identical across instances and runs", async () => {
  const mod = compileModule(
    await wat(`(module
    (func $fib (export "fib") (param i32) (result i32)
      local.get 0 i32.const 2 i32.lt_u if (result i32) local.get 0 else
      local.get 0 i32.const 1 i32.sub call $fib local.get 0 i32.const 2 i32.sub call $fib i32.add end))`),
  );
  const runs = [0, 1, 2].map(() => {
    const inst = instantiate(mod, {});
    (inst.exports.fib as (n: number) => number)(18);
    return inst.fuelUsed();
  });
  assertEquals(runs[0], runs[1]);
  assertEquals(runs[1], runs[2]);
  // per call: 4 (test) + 1 (if) ... exact total is fixed by the unit
  assert(runs[0] > 10000);
});

Deno.test("fuel stop right after a trapping op fused with local.set: the trap wins", async () => {
  const mod = compileModule(
    await wat(`(module (memory 1)
    (func (export "f") (param i32) (result i32) (local i32)
      i32.const 7 drop local.get 0 i32.load local.set 1 i32.const 0 i32.const 1 i32.store local.get 1))`),
  );
  for (let limit = 0; limit <= 12; limit++) {
    const inst = instantiate(mod, {}, { fuel: limit });
    const f = inst.exports.f as (a: number) => number;
    if (limit < 4) assertThrows(() => f(70000), FuelExhausted);
    else assertThrows(() => f(70000), WasmTrap, "memory access out of bounds");
    assertEquals(inst.fuelUsed(), Math.min(limit, 4), `limit ${limit}`);
    const ok = instantiate(mod, {}, { fuel: limit });
    const g = ok.exports.f as (a: number) => number;
    if (limit < 9) assertThrows(() => g(0), FuelExhausted);
    else assertEquals(g(0), 0);
    assertEquals(ok.fuelUsed(), Math.min(limit, 9));
  }
});

Deno.test("fuel limit inside loops and calls: fuelUsed equals the limit exactly", async () => {
  const mod = compileModule(
    await wat(`(module
    (func $fib (export "fib") (param i32) (result i32)
      local.get 0 i32.const 2 i32.lt_u if (result i32) local.get 0 else
      local.get 0 i32.const 1 i32.sub call $fib local.get 0 i32.const 2 i32.sub call $fib i32.add end))`),
  );
  const full = instantiate(mod, {});
  (full.exports.fib as (n: number) => number)(12);
  const total = full.fuelUsed();
  for (let limit = 0; limit < total; limit += 7) {
    const inst = instantiate(mod, {}, { fuel: limit });
    assertThrows(() => (inst.exports.fib as (n: number) => number)(12), FuelExhausted);
    assertEquals(inst.fuelUsed(), limit);
  }
  const exact = instantiate(mod, {}, { fuel: total });
  assertEquals((exact.exports.fib as (n: number) => number)(12), 144);
});

Deno.test("fuel stays exact past 2^31 instructions, with and without a limit", async () => {
  // The count leaves small-integer range here (see Machine.run).
  const mod = compileModule(
    await wat(`(module
    (func (export "loop") (param i32) (result i32) (local i32)
      block loop
        local.get 0 i32.eqz br_if 1
        local.get 1 local.get 0 i32.add local.set 1
        local.get 0 i32.const 1 i32.sub local.set 0 br 0
      end end local.get 1))`),
  );
  const n = 179_000_000, total = 12 * n + 4;
  assert(total > 2 ** 31 + (1 << 18));
  const full = instantiate(mod, {});
  // sum of 1..n, wrapped to i32
  const sum = Number(BigInt.asIntN(32, BigInt(n) * BigInt(n + 1) / 2n));
  assertEquals((full.exports.loop as (x: number) => number)(n), sum);
  assertEquals(full.fuelUsed(), total);
  const limit = 2 ** 31 + 7;
  const limited = instantiate(mod, {}, { fuel: limit });
  assertThrows(() => (limited.exports.loop as (x: number) => number)(n), FuelExhausted);
  assertEquals(limited.fuelUsed(), limit);
});
