/**
 * Phase's WebAssembly interpreter: pure TypeScript, no code generation, so it
 * runs where `WebAssembly.compile` of received bytes is forbidden (Cloudflare
 * Workers). It mimics the WebAssembly JS API closely enough that the WASI
 * layer and the executor treat it like V8, and it meters **fuel**.
 *
 * Supported: the WebAssembly 2.0 core binary format minus SIMD and multiple
 * memories: all MVP instructions, multi-value blocks and functions,
 * sign-extension ops, non-trapping float-to-int conversions, bulk memory,
 * reference types (funcref/externref values, table.get/set/grow/size/fill/copy/
 * init, multiple tables, typed select), mutable globals.
 *
 * ## Fuel unit
 * One unit per executed wasm instruction, where `block`, `loop`, `else`,
 * `end` and `nop` are free (they only structure control flow) and every other
 * instruction (including `local.get`, `drop`, `br`, `if`, `call`, `return`,
 * `unreachable`) costs 1. A call to a host (imported) function costs 1 like
 * any call. The count is exact: when the limit is reached the guest stops
 * with {@linkcode FuelExhausted} before the first instruction that would
 * exceed it (`fuelUsed()` then equals the limit), and a trap charges exactly
 * the instructions up to and including the trapping one. The count depends
 * only on the module and its inputs, so it is identical on every host
 * (checked in Deno and workerd by `workerd_test.ts`).
 *
 * ## Deadline
 * `deadline` (ms since the epoch) is compared with `Date.now()` every 2^18
 * instructions and on no other occasion. Cloudflare Workers do not advance
 * `Date.now()` while a request computes, so there the platform's CPU limit
 * and the fuel limit are what stop a runaway guest.
 *
 * ## Limits and traps
 * Traps throw {@linkcode WasmTrap} with V8's messages ("unreachable",
 * "divide by zero", "memory access out of bounds", ...). Wasm calls do not
 * recurse in JavaScript: more than 20 000 nested calls, or a value stack
 * above 16 MiB, trap with "call stack exhausted". `memory.grow` beyond
 * `maxMemoryPages` returns -1; a declared minimum above it throws
 * {@linkcode WasmMemoryLimit}. Not supported: SIMD, threads/shared memory,
 * memory64, multiple memories, table imports, exception handling, tail calls.
 *
 * @example
 * ```ts
 * import { compileModule, instantiate } from "./mod.ts";
 * const mod = compileModule(wasmBytes);
 * const inst = instantiate(mod, {}, { fuel: 1_000_000 });
 * (inst.exports.run as () => void)();
 * console.log(inst.fuelUsed());
 * ```
 *
 * @module
 */

import { compileCode, type CompiledCode } from "./_compile.ts";
import { type ConstExpr, decodeModule, FUNCREF, I32, I64, type ModuleDef } from "./_decode.ts";
import { InterpMemory, Machine } from "./_exec.ts";
import { WasmCompileError, WasmLinkError, WasmMemoryLimit, WasmTrap } from "./errors.ts";

export { FuelExhausted, InterpTimeout, WasmCompileError, WasmLinkError, WasmMemoryLimit, WasmTrap };
export { InterpMemory };

/** A validated, compiled module. */
export interface InterpModule {
  /** @internal decoded module */
  readonly def: ModuleDef;
  /** @internal compiled code */
  readonly code: CompiledCode;
}

/** Options of {@linkcode instantiate}. */
export interface InstantiateOptions {
  /** Instruction budget (see the fuel unit in the module docs); unlimited when absent. */
  fuel?: bigint | number;
  /** Wall-clock deadline, ms since the epoch, checked every 2^18 instructions. */
  deadline?: number;
  /** Upper bound on the memory size in pages (also lowers a larger declared maximum). */
  maxMemoryPages?: number;
}

/** An instance: its exports and the fuel it used so far. */
export interface InterpInstance {
  exports: Record<string, unknown>;
  /** Instructions executed so far (across all calls into this instance). */
  fuelUsed(): number;
}

/** Import/export descriptors, like `WebAssembly.Module.imports/exports`. */
export interface ImportDescriptor {
  module: string;
  name: string;
  kind: "function" | "table" | "memory" | "global";
}

/** An export descriptor. */
export interface ExportDescriptor {
  name: string;
  kind: "function" | "table" | "memory" | "global";
}

import { FuelExhausted, InterpTimeout } from "./errors.ts";

/** Decodes and validates `bytes`; throws {@linkcode WasmCompileError} naming function and offset. */
export function compileModule(bytes: Uint8Array): InterpModule {
  if (!(bytes instanceof Uint8Array)) {
    bytes = new Uint8Array(bytes as unknown as ArrayBuffer);
  }
  const def = decodeModule(bytes);
  if (def.memories.length > 1) throw new WasmCompileError("multiple memories are not supported");
  const code = compileCode(def);
  return Object.freeze({ def, code });
}

/** The module's imports. */
export function moduleImports(mod: InterpModule): ImportDescriptor[] {
  return mod.def.imports.map(({ module, name, kind }) => ({ module, name, kind }));
}

/** The module's exports. */
export function moduleExports(mod: InterpModule): ExportDescriptor[] {
  return mod.def.exports.map(({ name, kind }) => ({ name, kind }));
}

/** Creates a memory a module can import (like `new WebAssembly.Memory`). */
export function createMemory(minPages: number, maxPages: number): InterpMemory {
  return new InterpMemory(minPages, maxPages);
}

const PAGE = 65536;

/**
 * Instantiates `mod` with an import object shaped like the JS API's. Runs the
 * start function. Host functions receive i32/f32/f64 as numbers and i64 as
 * BigInt; whatever they throw propagates unchanged.
 */
export function instantiate(
  mod: InterpModule,
  importObject: Record<string, Record<string, unknown>> = {},
  options: InstantiateOptions = {},
): InterpInstance {
  const def = mod.def;
  const m = new Machine(def, mod.code);
  if (options.fuel !== undefined) m.limit = Number(options.fuel);
  if (options.deadline !== undefined) m.deadline = options.deadline;
  const capPages = Math.min(65536, options.maxMemoryPages ?? 65536);

  // function wrappers (exports and funcref values)
  const wrappers = new Map<number, (...args: unknown[]) => unknown>();
  const indexOf = new Map<unknown, number>();
  const wrap = (f: number) => {
    let fn = wrappers.get(f);
    if (fn === undefined) {
      fn = f < def.numImportedFuncs ? m.hostFns[f] : (...args: unknown[]) => invoke(m, f, args);
      wrappers.set(f, fn);
      indexOf.set(fn, f);
    }
    return fn;
  };
  m.funcRef = wrap;
  m.funcIndexOf = (v) => {
    if (v === null || v === undefined) return -1;
    const i = indexOf.get(v);
    if (i === undefined) throw new TypeError("funcref value is not a function of this instance");
    return i;
  };

  // imports
  for (const imp of def.imports) {
    const ns = importObject[imp.module];
    if (ns === undefined || ns === null || typeof ns !== "object") {
      throw new WasmLinkError(`import module "${imp.module}" is missing`);
    }
    const v = ns[imp.name];
    const what = `import "${imp.module}"."${imp.name}"`;
    switch (imp.kind) {
      case "function":
        if (typeof v !== "function") throw new WasmLinkError(`${what}: function expected`);
        m.hostFns[imp.index] = v as (...args: unknown[]) => unknown;
        break;
      case "memory": {
        if (!(v instanceof InterpMemory)) {
          throw new WasmLinkError(`${what}: memory expected (create it with createMemory)`);
        }
        const want = def.memories[imp.index];
        const pages = v.buffer.byteLength / PAGE;
        if (pages < want.min || (want.max !== undefined && v.maxPages > want.max)) {
          throw new WasmLinkError(`${what}: memory size does not match`);
        }
        m.attachMemory(v);
        break;
      }
      case "global": {
        const t = def.globals[imp.index].type;
        const val = typeof v === "object" && v !== null && "value" in v
          ? (v as { value: unknown }).value
          : v;
        if (
          t === I64 ? typeof val !== "bigint" : t <= I32 && t >= 0x7c && typeof val !== "number"
        ) {
          throw new WasmLinkError(`${what}: global value of the wrong type`);
        }
        m.writeValue(t, 0, val);
        m.G[2 * imp.index] = m.I[0];
        m.G[2 * imp.index + 1] = m.I[1];
        break;
      }
      case "table":
        throw new WasmLinkError(`${what}: table imports are not supported`);
    }
  }

  // memory
  if (def.memories.length > 0 && def.numImportedMemories === 0) {
    const mt = def.memories[0];
    const max = Math.min(mt.max ?? 65536, capPages);
    if (mt.min > max) {
      throw new WasmMemoryLimit(`memory minimum ${mt.min} pages exceeds the limit of ${max} pages`);
    }
    let mem: InterpMemory;
    try {
      mem = new InterpMemory(mt.min, max);
    } catch (err) {
      throw new WasmMemoryLimit(`cannot allocate ${mt.min} pages: ${(err as Error).message}`);
    }
    m.attachMemory(mem);
  }

  // globals
  for (let g = def.numImportedGlobals; g < def.globals.length; g++) {
    evalConst(m, def.globals[g].init!, 2 * g, m.G);
  }

  // tables
  for (let t = 0; t < def.tables.length; t++) {
    const tt = def.tables[t];
    m.tables.push(new Array(tt.min).fill(-1));
    m.tableMax.push(tt.max ?? 0xffffffff);
  }

  // element segments
  const scratch = new Int32Array(2);
  for (const seg of def.elems) {
    const items = seg.items.map((e) => {
      evalConst(m, e, 0, scratch);
      return scratch[0];
    });
    if (seg.mode === 0) {
      evalConst(m, seg.offset!, 0, scratch);
      const off = scratch[0] >>> 0;
      const tab = m.tables[seg.table];
      if (off + items.length > tab.length) throw new WasmTrap("table index is out of bounds");
      for (let k = 0; k < items.length; k++) tab[off + k] = items[k];
      m.elemSegs.push(null);
    } else m.elemSegs.push(seg.mode === 1 ? items : null);
  }

  // data segments
  for (const seg of def.datas) {
    if (seg.mode === 0) {
      evalConst(m, seg.offset!, 0, scratch);
      const off = scratch[0] >>> 0;
      if (off + seg.bytes.length > m.mem.length) {
        throw new WasmTrap("data segment is out of bounds");
      }
      m.mem.set(seg.bytes, off);
      m.dataSegs.push(null);
    } else m.dataSegs.push(seg.bytes);
  }

  // exports
  const exports: Record<string, unknown> = Object.create(null);
  for (const ex of def.exports) {
    switch (ex.kind) {
      case "function":
        exports[ex.name] = wrap(ex.index);
        break;
      case "memory":
        exports[ex.name] = m.memObj;
        break;
      case "global":
        exports[ex.name] = globalObject(m, ex.index);
        break;
      case "table":
        exports[ex.name] = tableObject(m, ex.index, wrap);
        break;
    }
  }
  Object.freeze(exports);

  if (def.start >= 0) invoke(m, def.start, []);
  return { exports, fuelUsed: () => m.fuelUsed() };
}

/** Calls function f of the machine with JS arguments. */
function invoke(m: Machine, f: number, args: unknown[]): unknown {
  const t = m.funcTypes[f];
  if (f < m.numImported) return m.hostFns[f](...args);
  const fp = (m.stackTop + 1) & ~1;
  const np = t.params.length;
  const need = fp + 2 * Math.max(np, t.results.length) + 2;
  if (need > m.cap && !m.growStack(need)) throw new WasmTrap("call stack exhausted");
  for (let k = 0; k < np; k++) m.writeValue(t.params[k], fp + 2 * k, args[k]);
  m.run(f, fp);
  const nr = t.results.length;
  if (nr === 0) return undefined;
  if (nr === 1) return m.readValue(t.results[0], fp);
  const out = [];
  for (let k = 0; k < nr; k++) out.push(m.readValue(t.results[k], fp + 2 * k));
  return out;
}

/** Evaluates a constant expression into words w, w+1 of `out`. */
function evalConst(m: Machine, e: ConstExpr, w: number, out: Int32Array) {
  switch (e.op) {
    case 0x41:
    case 0x43:
      out[w] = e.lo;
      out[w + 1] = 0;
      break;
    case 0x42:
    case 0x44:
      out[w] = e.lo;
      out[w + 1] = e.hi;
      break;
    case 0x23:
      out[w] = m.G[2 * e.lo];
      out[w + 1] = m.G[2 * e.lo + 1];
      break;
    case 0xd0:
      out[w] = -1;
      out[w + 1] = 0;
      break;
    case 0xd2:
      out[w] = e.lo;
      out[w + 1] = 0;
      break;
  }
}

/** An exported global, shaped like `WebAssembly.Global` (`value`, `valueOf()`). */
function globalObject(m: Machine, g: number) {
  const t = m.globalTypes[g];
  const mutable = m.def.globals[g].mutable;
  const obj = {
    get value(): unknown {
      // read via the stack scratch area is unsafe while running; decode directly
      return readGlobal(m, g, t);
    },
    set value(v: unknown) {
      if (!mutable) throw new TypeError("Can't set the value of an immutable global.");
      const save0 = m.I[0], save1 = m.I[1];
      m.writeValue(t, 0, v);
      m.G[2 * g] = m.I[0];
      m.G[2 * g + 1] = m.I[1];
      m.I[0] = save0;
      m.I[1] = save1;
    },
    valueOf(): unknown {
      return readGlobal(m, g, t);
    },
  };
  return obj;
}

function readGlobal(m: Machine, g: number, t: number): unknown {
  switch (t) {
    case I32:
      return m.G[2 * g];
    case I64:
      return BigInt.asIntN(64, (BigInt(m.G[2 * g + 1]) << 32n) | BigInt(m.G[2 * g] >>> 0));
    case 0x7d:
      return m.GF32[2 * g];
    case 0x7c:
      return m.GF64[g];
    case FUNCREF:
      return m.G[2 * g] < 0 ? null : m.funcRef(m.G[2 * g]);
    default:
      return m.G[2 * g] < 0 ? null : m.externs[m.G[2 * g]];
  }
}

/** A minimal exported table: `length` and `get(i)`. */
function tableObject(m: Machine, t: number, wrap: (f: number) => unknown) {
  return {
    get length(): number {
      return m.tables[t].length;
    },
    get(i: number): unknown {
      const v = m.tables[t][i];
      if (v === undefined) throw new RangeError("table index out of bounds");
      if (v < 0) return null;
      return m.def.tables[t].elem === FUNCREF ? wrap(v) : m.externs[v];
    },
  };
}
