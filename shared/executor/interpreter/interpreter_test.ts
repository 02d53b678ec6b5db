// Differential tests (memory, control flow, calls, tables, bulk memory,
// traps) against V8, plus validation errors and the module API.
import { assert, assertEquals, assertMatch, assertThrows } from "../../testing/mod.ts";
import { both, outcome, wat } from "./_wat_test_util.ts";
import {
  compileModule,
  instantiate,
  moduleExports,
  moduleImports,
  WasmCompileError,
} from "./mod.ts";

const ADDRS = [
  0,
  1,
  2,
  3,
  4,
  7,
  100,
  65528,
  65529,
  65530,
  65531,
  65532,
  65533,
  65534,
  65535,
  65536,
  -1,
  -4,
  0x7fffffff,
];

Deno.test("loads and stores of every width, offsets and bounds equal V8", async () => {
  const loads = [
    "i32.load",
    "i32.load8_s",
    "i32.load8_u",
    "i32.load16_s",
    "i32.load16_u",
    "i64.load",
    "i64.load8_s",
    "i64.load8_u",
    "i64.load16_s",
    "i64.load16_u",
    "i64.load32_s",
    "i64.load32_u",
  ];
  const stores: [string, string][] = [
    ["i32.store", "i32"],
    ["i32.store8", "i32"],
    ["i32.store16", "i32"],
    ["i64.store", "i64"],
    ["i64.store8", "i64"],
    ["i64.store16", "i64"],
    ["i64.store32", "i64"],
  ];
  const fns: string[] = [];
  for (const off of [0, 1, 3, 65535]) {
    loads.forEach((l, i) =>
      fns.push(
        `(func (export "l${i}_${off}") (param i32) (result ${
          l.slice(0, 3)
        }) local.get 0 ${l} offset=${off})`,
      )
    );
    stores.forEach(([s, t], i) =>
      fns.push(
        `(func (export "s${i}_${off}") (param i32 ${t}) local.get 0 local.get 1 ${s} offset=${off})`,
      )
    );
  }
  fns.push(
    `(func (export "fl") (param i32) (result i32) local.get 0 f32.load i32.reinterpret_f32)`,
  );
  fns.push(
    `(func (export "dl") (param i32) (result i64) local.get 0 f64.load i64.reinterpret_f64)`,
  );
  fns.push(
    `(func (export "fs") (param i32 i32) local.get 0 local.get 1 f32.reinterpret_i32 f32.store)`,
  );
  fns.push(
    `(func (export "ds") (param i32 i64) local.get 0 local.get 1 f64.reinterpret_i64 f64.store)`,
  );
  fns.push(`(func (export "size") (result i32) memory.size)`);
  fns.push(`(func (export "grow") (param i32) (result i32) local.get 0 memory.grow)`);
  const bytes = await wat(`(module (memory (export "mem") 1 3) ${fns.join("\n")}
    (data (i32.const 0) "\\01\\82\\03\\f4\\05\\86\\07\\88\\99\\aa\\bb\\cc\\dd\\ee\\ff\\10"))`);
  const { v8, interp } = both(bytes);
  const check = (name: string, ...args: unknown[]) =>
    assertEquals(
      outcome(() => interp[name](...args)),
      outcome(() => v8[name](...args)),
      `${name}(${args})`,
    );
  let k = 0;
  for (const a of ADDRS) {
    for (const name of Object.keys(v8).filter((n) => n[0] === "l")) check(name, a);
    for (const name of Object.keys(v8).filter((n) => /^s\d/.test(n))) {
      const i = Number(name.slice(1, name.indexOf("_")));
      const v = stores[i][1] === "i64"
        ? BigInt.asIntN(64, 0x8192a3b4c5d6e7f8n * BigInt(++k))
        : (0x9badcafe * ++k) | 0;
      check(name, a, v);
    }
    check("fl", a);
    check("dl", a);
    check("fs", a, 0x7fa00001);
    check("ds", a, 0x7ff4000000000001n);
    check("fl", a);
    check("dl", a);
  }
  assertEquals(new Uint8Array(interp.mem.buffer), new Uint8Array(v8.mem.buffer));
  for (const g of [0, 1, 1, 5, 0]) {
    check("grow", g);
    check("size");
  }
  for (const a of [65536 * 3 - 8, 65536 * 3 - 1, 65536 * 3]) check("l5_0", a);
  assertEquals(interp.mem.buffer.byteLength, v8.mem.buffer.byteLength);
});

Deno.test("control flow: br_table, multi-value blocks, loops, if/else, select equal V8", async () => {
  const bytes = await wat(`(module
    (func (export "table") (param i32) (result i32)
      (block (result i32) (block (result i32) (block (result i32)
        (i32.const 10) (local.get 0) (br_table 0 1 2 1))
        (i32.const 100) (i32.add)) (i32.const 1000) (i32.add)))
    (func (export "table2") (param i32 i32) (result i32) (local i32)
      block block block block
        local.get 1 i32.const 3 i32.mul local.set 2
        local.get 0 br_table 0 1 2 3
      end local.get 2 i32.const 1 i32.add return
      end local.get 2 i32.const 2 i32.add return
      end local.get 2 i32.const 3 i32.add return
      end local.get 2)
    (func $swap (param i32 i32) (result i32 i32) local.get 1 local.get 0)
    (func (export "mv") (param i32 i32) (result i32)
      local.get 0 local.get 1
      (block (param i32 i32) (result i32 i32) call $swap)
      i32.sub)
    (func (export "mvbr") (param i32) (result i32 i64)
      (block (result i32 i64)
        i32.const 1 i64.const 2
        local.get 0 br_if 0
        drop drop i32.const 3 i64.const 4))
    (func (export "loopsum") (param i32) (result i64) (local i64)
      local.get 0
      (loop $l (param i32) (result i32)
        local.get 1 local.get 0 i64.extend_i32_u i64.add local.set 1
        i32.const 1 i32.sub local.tee 0 local.get 0 br_if $l)
      drop local.get 1)
    (func (export "ifelse") (param i32 i32) (result i32)
      local.get 1
      local.get 0
      if (param i32) (result i32) i32.const 2 i32.mul else i32.const 3 i32.sub end)
    (func (export "sel") (param i32 i64 i64) (result i64) local.get 1 local.get 2 local.get 0 select)
    (func (export "self") (param i32 f64 f64) (result i64)
      local.get 1 local.get 2 local.get 0 select (result f64) i64.reinterpret_f64)
    (func (export "nested") (param i32) (result i32) (local i32)
      (block $out
        (loop $a
          (block $b
            local.get 0 i32.const 3 i32.rem_u br_if $b
            local.get 1 local.get 0 i32.add local.set 1)
          local.get 0 i32.const 1 i32.sub local.tee 0
          i32.eqz br_if $out
          br $a))
      local.get 1)
    (func (export "tee") (param i32) (result i32) (local i32 i32)
      local.get 0 local.tee 1 local.get 1 i32.const 1 i32.add local.set 1 local.get 1 i32.mul
      local.get 0 local.set 2 local.get 2 i32.add)
    (func (export "swaploc") (param i32 i32) (result i32)
      local.get 0 local.get 1 local.set 0 local.set 1 local.get 0 i32.const 16 i32.shl local.get 1 i32.or)
  )`);
  const { v8, interp } = both(bytes);
  const check = (name: string, ...args: unknown[]) =>
    assertEquals(
      outcome(() => interp[name](...args)),
      outcome(() => v8[name](...args)),
      `${name}(${args})`,
    );
  for (const x of [-1, 0, 1, 2, 3, 4, 100]) {
    check("table", x);
    check("table2", x, 5);
    check("mv", x, 7);
    check("mvbr", x);
    check("ifelse", x, 11);
    check("sel", x, 5n, -6n);
    check("self", x, NaN, -0);
    check("nested", x + 5);
    check("tee", x);
    check("swaploc", x, 9);
    if (x > 0) check("loopsum", x * 1000);
  }
});

Deno.test("calls: call_indirect traps, recursion, stack exhaustion, globals equal V8", async () => {
  const bytes = await wat(`(module
    (type $ii (func (param i32) (result i32)))
    (type $v (func))
    (table 4 funcref)
    (elem (i32.const 0) $inc $dbl $nop)
    (global $g (mut i32) (i32.const 5))
    (global $h (mut i64) (i64.const -9))
    (global (export "gc") f64 (f64.const 1.5))
    (func $inc (type $ii) local.get 0 i32.const 1 i32.add)
    (func $dbl (type $ii) local.get 0 i32.const 2 i32.mul)
    (func $nop (type $v))
    (func (export "ci") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect (type $ii))
    (func $fib (export "fib") (param i32) (result i32)
      local.get 0 i32.const 2 i32.lt_u if (result i32) local.get 0 else
      local.get 0 i32.const 1 i32.sub call $fib local.get 0 i32.const 2 i32.sub call $fib i32.add end)
    (func $deep (export "deep") (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 0 else local.get 0 i32.const 1 i32.sub call $deep i32.const 1 i32.add end)
    (func $inf (export "inf") (param i32) (result i32) local.get 0 call $inf)
    (func (export "glob") (param i32) (result i64)
      global.get $g local.get 0 i32.add global.set $g
      global.get $h global.get $g i64.extend_i32_s i64.mul global.set $h
      global.get $h)
    (func (export "un") unreachable)
  )`);
  const { v8, interp } = both(bytes);
  const check = (name: string, ...args: unknown[]) =>
    assertEquals(
      outcome(() => interp[name](...args)),
      outcome(() => v8[name](...args)),
      `${name}(${args})`,
    );
  for (const i of [0, 1, 2, 3, 4, -1]) check("ci", i, 20);
  check("fib", 20);
  check("deep", 5000);
  check("inf", 1);
  check("un");
  for (const x of [1, 2, -100, 7]) check("glob", x);
  assertEquals(interp.gc.value, v8.gc.value);
  // the instance still works after a stack-exhaustion trap
  check("fib", 10);
});

Deno.test("bulk memory and table instructions equal V8", async () => {
  const bytes = await wat(`(module
    (memory (export "mem") 1)
    (table $t 3 10 funcref)
    (table $e 2 externref)
    (elem $seg func $a $b)
    (func $a (result i32) i32.const 11)
    (func $b (result i32) i32.const 22)
    (data $d "abcdefgh")
    (func (export "init") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init $d)
    (func (export "drop") data.drop $d)
    (func (export "copy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.copy)
    (func (export "fill") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill)
    (func (export "tinit") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.init $t $seg)
    (func (export "edrop") elem.drop $seg)
    (func (export "tcall") (param i32) (result i32) local.get 0 call_indirect $t (result i32))
    (func (export "tgrow") (param i32) (result i32) ref.null func local.get 0 table.grow $t)
    (func (export "tsize") (result i32) table.size $t)
    (func (export "tfill") (param i32 i32) local.get 0 i32.const 1 table.get $t local.get 1 table.fill $t)
    (func (export "tcopy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.copy $t $t)
    (func (export "isnull") (param i32) (result i32) local.get 0 table.get $t ref.is_null)
    (func (export "eset") (param i32 externref) local.get 0 local.get 1 table.set $e)
    (func (export "eget") (param i32) (result externref) local.get 0 table.get $e)
    (func (export "rf") (result i32) ref.func $a ref.is_null)
  )`);
  const { v8, interp } = both(bytes);
  const check = (name: string, ...args: unknown[]) =>
    assertEquals(
      outcome(() => interp[name](...args)),
      outcome(() => v8[name](...args)),
      `${name}(${args})`,
    );
  check("init", 10, 0, 8);
  check("init", 65530, 0, 8);
  check("init", 0, 4, 5);
  check("init", 20, 8, 0);
  check("copy", 12, 10, 8);
  check("copy", 9, 12, 8);
  check("copy", 65530, 0, 7);
  check("fill", 30, 0x1ff, 5);
  check("fill", 65535, 1, 2);
  check("fill", 65536, 1, 0);
  check("drop");
  check("init", 0, 0, 1);
  check("init", 0, 0, 0);
  assertEquals(new Uint8Array(interp.mem.buffer), new Uint8Array(v8.mem.buffer));
  for (const i of [0, 1, 2, 3]) check("tcall", i);
  check("tinit", 0, 0, 2);
  check("tinit", 2, 1, 1);
  check("tinit", 2, 0, 2);
  for (const i of [0, 1, 2, 3]) check("tcall", i);
  check("tsize");
  check("tgrow", 2);
  check("tgrow", 100);
  check("tsize");
  check("tfill", 3, 2);
  check("tfill", 4, 5);
  check("tcopy", 0, 2, 3);
  check("tcopy", 3, 1, 9);
  for (const i of [0, 1, 2, 3, 4, 5, 6]) {
    check("tcall", i);
    check("isnull", i);
  }
  check("edrop");
  check("tinit", 0, 0, 1);
  const o = { x: 1 };
  check("eset", 1, o);
  assertEquals(interp.eget(1), o);
  check("eget", 0);
  check("eget", 5);
  check("rf");
});

Deno.test("host imports: i64 as BigInt, f32 rounding, exceptions propagate unchanged", async () => {
  const bytes = await wat(`(module
    (import "env" "f" (func $f (param i32 i64 f32 f64) (result i64)))
    (import "env" "g" (func $g (result f32)))
    (import "env" "boom" (func $boom))
    (func (export "call") (param i32 i64 f32 f64) (result i64) local.get 0 local.get 1 local.get 2 local.get 3 call $f)
    (func (export "callg") (result f32) call $g)
    (func (export "b") (result i32) call $boom i32.const 1))`);
  const seen: unknown[][] = [];
  class Exit {
    constructor(readonly code: number) {}
  }
  const imports = {
    env: {
      f: (...a: unknown[]) => {
        seen.push(a);
        return (a[1] as bigint) * 3n;
      },
      g: () => 0.1,
      boom: () => {
        throw new Exit(7);
      },
    },
  };
  const { v8, interp } = both(bytes, imports);
  const args = [-5, -(1n << 62n), 1.1, 2.2];
  assertEquals(interp.call(...args), v8.call(...args));
  assertEquals(seen[0], seen[1]);
  assertEquals(interp.callg(), v8.callg());
  const err = outcome(() => interp.b());
  assertEquals(err, { err: undefined as unknown as string });
  try {
    interp.b();
  } catch (e) {
    assert(e instanceof Exit && e.code === 7);
  }
});

Deno.test("validation errors name the function and byte offset", async () => {
  const bad = await wat(
    `(module (func) (func (result i32) i32.const 1 i32.const 2 i32.add i64.const 1 i32.add))`,
  )
    .catch(() => null);
  // wabt validates too; build the bad body by hand instead when it refuses
  const bytes = bad ?? new Uint8Array([
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    1,
    5,
    1,
    0x60,
    0,
    1,
    0x7f, // type: [] -> [i32]
    3,
    3,
    2,
    0,
    0, // two funcs
    10,
    13,
    2,
    2,
    0,
    0x0b,
    8,
    0,
    0x42,
    1,
    0x41,
    1,
    0x6a,
    0x0b,
    0, // body 1: i64.const 1 i32.const 1 i32.add
  ]);
  const err = assertThrows(() => compileModule(bytes), WasmCompileError);
  assertMatch(err.message, /function 1: .*type mismatch.*@\+\d+/);
  assertEquals((err as WasmCompileError).code, "invalid_module");
  assertThrows(
    () => compileModule(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])),
    WasmCompileError,
  );
  assertThrows(() => compileModule(new Uint8Array([1, 2, 3])), WasmCompileError);
});

Deno.test("moduleImports/moduleExports mirror WebAssembly.Module", async () => {
  const bytes = await wat(`(module (import "a" "b" (func)) (import "a" "m" (memory 1))
    (import "c" "g" (global i32)) (func (export "f")) (global (export "gg") i32 (i32.const 1))
    (table (export "t") 1 funcref) (export "mem" (memory 0)))`);
  const m = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  const im = compileModule(bytes);
  assertEquals(moduleImports(im), WebAssembly.Module.imports(m));
  assertEquals(moduleExports(im), WebAssembly.Module.exports(m));
});

Deno.test("start function runs and data/elem out of bounds fail at instantiation", async () => {
  const ok = await wat(
    `(module (memory (export "m") 1) (func $s i32.const 0 i32.const 42 i32.store) (start $s))`,
  );
  const inst = instantiate(compileModule(ok), {});
  assertEquals(new Uint8Array((inst.exports.m as { buffer: ArrayBuffer }).buffer)[0], 42);
  const bad = await wat(`(module (memory 1) (data (i32.const 65535) "ab"))`);
  assertThrows(() => instantiate(compileModule(bad), {}), Error, "data segment");
});

Deno.test("compiled code: ops decode end to end; branch targets and conditional fall-throughs are FUEL ops", async () => {
  const { opLength, fuelTargets, Op } = await import("./_ops.ts");
  const files = ["sha256.wasm", "hello.wasm", "flood.wasm"].map((f) =>
    new URL(`../../../tests/testdata/${f}`, import.meta.url)
  );
  let checked = 0;
  for (const f of files) {
    const { code, entry } = compileModule(await Deno.readFile(f)).code;
    const starts = new Set([...entry].filter((e) => e >= 0));
    let pc = 0;
    while (pc < code.length) {
      if (starts.has(pc)) assertEquals(code[pc], Op.FUEL, `function entry at ${pc}`);
      for (const t of fuelTargets(code, pc)) {
        assertEquals(code[code[t]], Op.FUEL, `target of op at ${pc}`);
        checked++;
      }
      const op = code[pc];
      const n = opLength(code, pc);
      if (op !== Op.BR && op !== Op.COPY32N_BR && fuelTargets(code, pc).length > 0) {
        assertEquals(code[pc + n], Op.FUEL, `fall-through of op at ${pc}`);
      }
      pc += n;
    }
    assertEquals(pc, code.length);
  }
  assert(checked > 100);
});

Deno.test("host functions may call back into the instance (re-entrancy, stack growth)", async () => {
  const bytes = await wat(`(module
    (import "env" "cb" (func $cb (param i32) (result i32)))
    (func $deep (export "deep") (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 0 else
      local.get 0 i32.const 1 i32.sub call $deep i32.const 1 i32.add end)
    (func (export "outer") (param i32) (result i32) (local i32 i32)
      i32.const 11 local.set 1
      local.get 0 call $cb
      local.get 1 i32.add))`);
  // deno-lint-ignore no-explicit-any
  let exportsRef: any;
  const imports = { env: { cb: (n: number) => exportsRef.deep(n) } };
  const { v8, interp } = both(bytes, imports);
  for (const n of [0, 5, 6000]) {
    exportsRef = v8;
    const want = v8.outer(n);
    exportsRef = interp;
    assertEquals(interp.outer(n), want);
  }
  // deeper than the initial value stack (grows while the outer call is suspended in the host)
  exportsRef = interp;
  assertEquals(interp.outer(15000), 15011);
  assertEquals(outcome(() => interp.outer(30000)), { err: "stack" });
  assertEquals(interp.outer(3), 14);
});

Deno.test("host calls below the exported function leave no call depth behind", async () => {
  const bytes = await wat(`(module (import "env" "h" (func $h))
    (func $g call $h) (func (export "f") call $g))`);
  const { interp } = both(bytes, { env: { h: () => {} } });
  // more calls than the call depth limit (20000)
  for (let i = 0; i < 25000; i++) interp.f();
});

Deno.test("memory growing page by page (in place after a few growths) equals V8", async () => {
  const bytes = await wat(`(module (memory (export "mem") 1 3000)
    (func (export "grow") (param i32) (result i32) (local i32 i32)
      block loop
        local.get 1 local.get 0 i32.ge_u br_if 1
        i32.const 1 memory.grow local.set 2
        ;; write the page number into the last byte of the new page
        memory.size i32.const 16 i32.shl i32.const 1 i32.sub local.get 2 i32.store8
        local.get 1 i32.const 1 i32.add local.set 1 br 0
      end end
      memory.size)
    (func (export "sum") (result i32) (local i32 i32)
      block loop
        local.get 0 memory.size i32.const 16 i32.shl i32.ge_u br_if 1
        local.get 1 local.get 0 i32.const 65535 i32.add i32.load8_u i32.add local.set 1
        local.get 0 i32.const 65536 i32.add local.set 0 br 0
      end end local.get 1))`);
  const { v8, interp } = both(bytes);
  const t0 = performance.now();
  assertEquals(interp.grow(1500), v8.grow(1500));
  assert(performance.now() - t0 < 5000, "growth must not copy quadratically");
  assertEquals(interp.sum(), v8.sum());
  assertEquals(interp.mem.buffer.byteLength, v8.mem.buffer.byteLength);
  assertEquals(interp.mem.grow(10), v8.mem.grow(10));
  assertEquals(interp.sum(), v8.sum());
  assertEquals(interp.grow(2000), v8.grow(2000));
});
