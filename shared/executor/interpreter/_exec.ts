/**
 * The interpreter's runtime: one {@linkcode Machine} per instance holds the
 * value stack (typed arrays over one buffer; a slot is two int32 words), the
 * linear memory, globals, tables and the fuel counter, and runs compiled code
 * in a single dispatch loop (`exec`). Calls between wasm functions do not
 * recurse in JavaScript; host functions are called with JS values.
 *
 * The case labels in `exec` are numeric literals on purpose (V8 builds a jump
 * table only for literal labels); their meaning is in `_ops.ts`.
 *
 * `exec` must stay below V8's TurboFan limit of 61440 bytes of bytecode
 * (`size_test.ts` checks it, with 1 KB to spare): above it V8 never optimizes
 * `exec` and the interpreter is about 12x slower. New ops are cheapest as
 * compact cases; out-of-line work belongs in methods like `misc`.
 *
 * @module
 */

import type { CompiledCode } from "./_compile.ts";
import {
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  type FuncType,
  I32,
  I64,
  type ModuleDef,
} from "./_decode.ts";
import { Misc } from "./_ops.ts";
import {
  ctz32,
  HI,
  i64DivRem,
  i64Shift,
  i64ToF32,
  i64Unary,
  mul64,
  nearest,
  popcnt32,
  quiet,
  trap,
  truncI64,
  truncSat,
} from "./_numeric.ts";
import { FuelExhausted, InterpTimeout, WasmTrap } from "./errors.ts";

/** Value stack size in int32 words (16 MiB). */
export const STACK_WORDS = 1 << 22;
/** Deepest wasm call nesting before "call stack exhausted". */
export const MAX_DEPTH = 20000;
/** Instructions between deadline checks. */
const INTERVAL = 1 << 18;
const PAGE = 65536;

type HostFn = (...args: unknown[]) => unknown;

/** The state of one instance. */
export class Machine {
  /**
   * The code and the value stack share one array (one typed array for `exec`
   * to check and index instead of two): the code is in words 0..base-1, the
   * stack starts at word `base`.
   */
  I: Int32Array;
  F: Float32Array;
  D: Float64Array;
  /** Words of I in use: base + stack capacity; the stack grows on demand up to STACK_WORDS. */
  cap: number;
  readonly base: number;
  readonly frames = new Int32Array(MAX_DEPTH * 2);
  depth = 0;
  stackTop: number;

  /**
   * The code: the same array as I, kept in step by the constructor and
   * `growStack` (a getter instead measured 3-5% slower on sha256).
   */
  code: Int32Array;
  fuelMap: Int32Array;
  entry: Int32Array;
  paramWords: Int32Array;
  localWords: Int32Array;
  frameWords: Int32Array;
  /** Canonical type id per function. */
  funcTypeId: Int32Array;
  funcTypes: FuncType[];
  numImported: number;
  hostFns: HostFn[] = [];

  // memory
  memBuf: ArrayBuffer = new ArrayBuffer(0);
  mem: Uint8Array = new Uint8Array(0);
  m32: Int32Array = new Int32Array(0);
  dv: DataView = new DataView(this.memBuf);
  hasMemory = false;

  // globals: two words each
  G: Int32Array;
  GF32: Float32Array;
  GF64: Float64Array;
  globalTypes: number[];

  tables: number[][] = [];
  tableMax: number[] = [];
  elemSegs: (number[] | null)[] = [];
  dataSegs: (Uint8Array | null)[] = [];
  externs: unknown[] = [];
  /** Wraps a function index as a JS function (for funcref values given to the host). */
  funcRef: (f: number) => unknown = () => null;

  // fuel: used = consumed before the current chunk; fuelLeft counts down in it
  limit = Infinity;
  // `used` lives in a Float64Array rather than a field: it passes 2^31 in long
  // runs, and a field going from small integer to double changes the
  // Machine's hidden class, which deoptimizes `exec` mid-run.
  readonly #used = new Float64Array(1);
  get used(): number {
    return this.#used[0];
  }
  set used(n: number) {
    this.#used[0] = n;
  }
  chunk = 0;
  fuelLeft = 0;
  deadline = Infinity;
  stopPc = -1;
  stopOp = 0;

  constructor(readonly def: ModuleDef, cc: CompiledCode) {
    this.base = (cc.code.length + 1) & ~1;
    this.cap = this.base + (1 << 15);
    this.stackTop = this.base;
    this.code = this.I = new Int32Array(this.cap);
    this.I.set(cc.code);
    this.F = new Float32Array(this.I.buffer);
    this.D = new Float64Array(this.I.buffer);
    this.fuelMap = cc.fuelMap;
    this.entry = cc.entry;
    this.paramWords = cc.paramWords;
    this.localWords = cc.localWords;
    this.frameWords = cc.frameWords;
    this.funcTypes = def.funcs.map((t) => def.types[t]);
    this.funcTypeId = Int32Array.from(def.funcs, (t) => cc.typeIds[t]);
    this.numImported = def.numImportedFuncs;
    const gbuf = new ArrayBuffer(Math.max(1, def.globals.length) * 8);
    this.G = new Int32Array(gbuf);
    this.GF32 = new Float32Array(gbuf);
    this.GF64 = new Float64Array(gbuf);
    this.globalTypes = def.globals.map((g) => g.type);
  }

  /** Makes the value stack hold at least `words` words; false when over the limit. */
  growStack(words: number): boolean {
    if (words > this.base + STACK_WORDS) return false;
    let cap = this.cap;
    while (cap < words) cap = this.base + 2 * (cap - this.base);
    const I = new Int32Array(cap);
    I.set(this.I);
    this.cap = cap;
    this.code = this.I = I;
    this.F = new Float32Array(I.buffer);
    this.D = new Float64Array(I.buffer);
    return true;
  }

  /** Fuel consumed so far. */
  fuelUsed(): number {
    return this.used + this.chunk - this.fuelLeft;
  }

  memObj: InterpMemory | null = null;

  /** Attaches the instance's memory. */
  attachMemory(m: InterpMemory) {
    this.hasMemory = true;
    this.memObj = m;
    this.syncMemory();
  }

  /** Re-reads the memory buffer (after host calls or growth). */
  syncMemory() {
    const m = this.memObj;
    if (m === null || (m.buffer === this.memBuf && this.mem.length === m.buffer.byteLength)) return;
    // Fixed-length views over the current size (a resizable buffer keeps its identity).
    const buf = m.buffer, n = buf.byteLength;
    this.memBuf = buf;
    this.mem = new Uint8Array(buf, 0, n);
    this.m32 = new Int32Array(buf, 0, n >>> 2);
    this.dv = new DataView(buf, 0, n);
  }

  /** memory.grow: returns the old size in pages or -1. */
  growMemory(delta: number): number {
    const r = this.memObj!.tryGrow(delta);
    this.syncMemory();
    return r;
  }

  /** Called when the chunk of fuel runs out at the FUEL op at `pc` (cost `c`). */
  refuel(c: number, pc: number, left: number): number {
    this.used += this.chunk - (left + c);
    this.chunk = 0;
    this.fuelLeft = 0;
    if (this.deadline !== Infinity && Date.now() > this.deadline) throw new InterpTimeout();
    const remaining = this.limit - this.used;
    if (remaining >= c) {
      const chunk = Math.max(c, Math.min(remaining, INTERVAL));
      this.chunk = chunk;
      return chunk - c;
    }
    // Fuel runs out inside this block: stop before the op carrying instruction #remaining.
    const off = this.code[pc + 2];
    const map = this.fuelMap;
    const n = map[off];
    let stop = 0x7fffffff;
    for (let j = remaining; j < n; j++) if (map[off + 1 + j] < stop) stop = map[off + 1 + j];
    this.stopPc = stop;
    this.stopOp = this.code[stop];
    this.code[stop] = 0x134;
    this.chunk = c;
    return 0;
  }

  /** Reached the stop patch: fuel is exactly exhausted. */
  fuelStop(): never {
    this.restoreStop();
    this.used = this.limit;
    this.chunk = this.fuelLeft = 0;
    throw new FuelExhausted();
  }

  restoreStop() {
    if (this.stopPc >= 0) {
      this.code[this.stopPc] = this.stopOp;
      this.stopPc = -1;
    }
  }

  /** Charges exactly the instructions of the block at `blockPc` executed up to the trap at `pc`. */
  chargeTrap(blockPc: number, pc: number, left: number) {
    const c = this.code[blockPc + 1];
    const off = this.code[blockPc + 2];
    const map = this.fuelMap;
    const n = map[off];
    let t = -1;
    for (let j = 0; j < n; j++) if (map[off + 1 + j] === pc) t = j;
    this.used = this.used + this.chunk - left - c + t + 1;
    this.chunk = this.fuelLeft = 0;
  }

  /** Calls imported function f with args at word fp; writes results there. */
  callHost(f: number, fp: number) {
    const t = this.funcTypes[f];
    const np = t.params.length;
    const args = new Array(np);
    for (let k = 0; k < np; k++) args[k] = this.readValue(t.params[k], fp + 2 * k);
    const saved = this.stackTop;
    this.stackTop = fp + 2 * Math.max(np, t.results.length) + 2;
    let r: unknown;
    try {
      r = this.hostFns[f](...args);
    } finally {
      this.stackTop = saved;
    }
    const nr = t.results.length;
    if (nr === 1) this.writeValue(t.results[0], fp, r);
    else if (nr > 1) {
      const arr = [...(r as Iterable<unknown>)];
      if (arr.length !== nr) throw new TypeError("multi-value host result has the wrong length");
      for (let k = 0; k < nr; k++) this.writeValue(t.results[k], fp + 2 * k, arr[k]);
    }
  }

  /** Reads a value of type t at word w as a JS value. */
  readValue(t: number, w: number): unknown {
    const I = this.I;
    switch (t) {
      case I32:
        return I[w];
      case I64:
        return BigInt.asIntN(64, (BigInt(I[w + 1]) << 32n) | BigInt(I[w] >>> 0));
      case F32:
        return this.F[w];
      case F64:
        return this.D[w >> 1];
      case FUNCREF:
        return I[w] < 0 ? null : this.funcRef(I[w]);
      default:
        return I[w] < 0 ? null : this.externs[I[w]];
    }
  }

  /** Writes JS value v as type t at word w (like the JS API's ToWebAssemblyValue). */
  writeValue(t: number, w: number, v: unknown) {
    const I = this.I;
    switch (t) {
      case I32:
        I[w] = Number(v) | 0;
        break;
      case I64: {
        const b = BigInt.asIntN(64, BigInt(v as bigint));
        I[w] = Number(BigInt.asIntN(32, b));
        I[w + 1] = Number(BigInt.asIntN(32, b >> 32n));
        break;
      }
      case F32:
        this.F[w] = Number(v);
        break;
      case F64:
        this.D[w >> 1] = Number(v);
        break;
      case FUNCREF:
        I[w] = this.funcIndexOf(v);
        break;
      default:
        I[w] = this.externIndex(v);
    }
  }

  /** Function index of a funcref JS value (set by the instance). */
  funcIndexOf: (v: unknown) => number = (v) => {
    if (v === null) return -1;
    throw new TypeError("not a function of this instance");
  };

  externIndex(v: unknown): number {
    if (v === null || v === undefined) return -1;
    let i = this.externs.indexOf(v);
    if (i < 0) i = this.externs.push(v) - 1;
    return i;
  }

  /** Out-of-line ops (bulk memory, tables, memory.grow); returns the next pc. */
  misc(pc: number, fp: number): number {
    const code = this.code, I = this.I;
    switch (code[pc + 1]) {
      case Misc.MEMORY_INIT: {
        const seg = this.dataSegs[code[pc + 2]];
        const d = I[fp + code[pc + 3]] >>> 0, s = I[fp + code[pc + 4]] >>> 0;
        const n = I[fp + code[pc + 5]] >>> 0;
        const len = seg === null ? 0 : seg.length;
        if (s + n > len || d + n > this.mem.length) trap("memory access out of bounds");
        if (n > 0) this.mem.set(seg!.subarray(s, s + n), d);
        return pc + 6;
      }
      case Misc.DATA_DROP:
        this.dataSegs[code[pc + 2]] = null;
        return pc + 3;
      case Misc.MEMORY_COPY: {
        const d = I[fp + code[pc + 2]] >>> 0, s = I[fp + code[pc + 3]] >>> 0;
        const n = I[fp + code[pc + 4]] >>> 0;
        const len = this.mem.length;
        if (s + n > len || d + n > len) trap("memory access out of bounds");
        this.mem.copyWithin(d, s, s + n);
        return pc + 5;
      }
      case Misc.MEMORY_FILL: {
        const d = I[fp + code[pc + 2]] >>> 0, v = I[fp + code[pc + 3]] & 255;
        const n = I[fp + code[pc + 4]] >>> 0;
        if (d + n > this.mem.length) trap("memory access out of bounds");
        this.mem.fill(v, d, d + n);
        return pc + 5;
      }
      case Misc.TABLE_INIT: {
        const tab = this.tables[code[pc + 2]];
        const seg = this.elemSegs[code[pc + 3]];
        const d = I[fp + code[pc + 4]] >>> 0, s = I[fp + code[pc + 5]] >>> 0;
        const n = I[fp + code[pc + 6]] >>> 0;
        const len = seg === null ? 0 : seg.length;
        if (d + n > tab.length) trap("table index is out of bounds");
        if (s + n > len) trap("element segment out of bounds");
        for (let k = 0; k < n; k++) tab[d + k] = seg![s + k];
        return pc + 7;
      }
      case Misc.ELEM_DROP:
        this.elemSegs[code[pc + 2]] = null;
        return pc + 3;
      case Misc.TABLE_COPY: {
        const td = this.tables[code[pc + 2]], ts = this.tables[code[pc + 3]];
        const d = I[fp + code[pc + 4]] >>> 0, s = I[fp + code[pc + 5]] >>> 0;
        const n = I[fp + code[pc + 6]] >>> 0;
        if (s + n > ts.length || d + n > td.length) trap("table index is out of bounds");
        const tmp = ts.slice(s, s + n);
        for (let k = 0; k < n; k++) td[d + k] = tmp[k];
        return pc + 7;
      }
      case Misc.TABLE_GROW: {
        const ti = code[pc + 2];
        const tab = this.tables[ti];
        const v = I[fp + code[pc + 4]], n = I[fp + code[pc + 5]] >>> 0;
        const old = tab.length;
        if (old + n > this.tableMax[ti] || old + n > 10_000_000) I[fp + code[pc + 3]] = -1;
        else {
          for (let k = 0; k < n; k++) tab.push(v);
          I[fp + code[pc + 3]] = old;
        }
        return pc + 6;
      }
      case Misc.TABLE_SIZE:
        I[fp + code[pc + 3]] = this.tables[code[pc + 2]].length;
        return pc + 4;
      case Misc.TABLE_FILL: {
        const tab = this.tables[code[pc + 2]];
        const d = I[fp + code[pc + 3]] >>> 0, v = I[fp + code[pc + 4]];
        const n = I[fp + code[pc + 5]] >>> 0;
        if (d + n > tab.length) trap("table index is out of bounds");
        for (let k = 0; k < n; k++) tab[d + k] = v;
        return pc + 6;
      }
      case Misc.TABLE_GET: {
        const tab = this.tables[code[pc + 2]];
        const i = I[fp + code[pc + 4]] >>> 0;
        if (i >= tab.length) trap("table index is out of bounds");
        I[fp + code[pc + 3]] = tab[i];
        return pc + 5;
      }
      case Misc.TABLE_SET: {
        const tab = this.tables[code[pc + 2]];
        const i = I[fp + code[pc + 3]] >>> 0;
        if (i >= tab.length) trap("table index is out of bounds");
        tab[i] = I[fp + code[pc + 4]];
        return pc + 5;
      }
      case Misc.MEMORY_GROW:
        I[fp + code[pc + 2]] = this.growMemory(I[fp + code[pc + 3]] >>> 0);
        return pc + 4;
    }
    throw new Error("bad misc op");
  }

  /** Runs function f (not imported) with its args at word fp. */
  run(f: number, fp: number): void {
    const depth0 = this.depth;
    if (depth0 >= MAX_DEPTH) trap("call stack exhausted");
    if (fp + this.frameWords[f] > this.cap && !this.growStack(fp + this.frameWords[f])) {
      trap("call stack exhausted");
    }
    const I = this.I;
    for (let w = fp + this.paramWords[f], e = fp + this.localWords[f]; w < e; w++) I[w] = 0;
    let pc = this.entry[f], depth = depth0, blockPc = -1;
    // `exec` returns after each chunk of fuel: V8 compiles a long-running
    // `exec` on stack replacement first, where its loop variables stay tagged
    // (slower); later calls run its regular optimized code.
    while ((pc = this.exec(pc, fp, depth, depth0, blockPc)) >= 0) {
      fp = this.pauseFp;
      depth = this.pauseDepth;
      blockPc = this.pauseBlock;
      // A chunk of fuel is used up (fuelLeft < 0; other pauses leave it >= 0).
      // Refuelling happens here, not in `exec`: its arithmetic on the fuel
      // count leaves small-integer range after 2^31 instructions, and the
      // deoptimization that causes would throw away `exec`'s optimized code.
      if (this.fuelLeft < 0) {
        try {
          this.fuelLeft = this.refuel(this.pauseCost, blockPc, this.fuelLeft);
        } catch (err) {
          this.depth = depth0;
          throw err;
        }
      }
    }
    // (a host call deeper down set this.depth)
    this.depth = depth0;
  }

  /** Where `exec` paused (see `run`). */
  pauseFp = 0;
  pauseDepth = 0;
  pauseBlock = -1;
  /** Fuel cost of the block whose FUEL op found the chunk used up. */
  pauseCost = 0;

  /**
   * The dispatch loop: runs from `pc` until the function at depth0 returns
   * (then returns -1) or a chunk of fuel is used up (then saves its state in
   * pauseFp, pauseDepth and pauseBlock and returns the pc to resume at).
   */
  exec(pc: number, fp: number, depth: number, depth0: number, blockPc: number): number {
    // The stack and memory views stay fixed in one call: ops that may replace
    // them (host calls, stack growth, memory.grow) pause `exec` after them.
    const I = this.I, F = this.F, D = this.D;
    const code = I;
    const frames = this.frames;
    const entry = this.entry, paramWords = this.paramWords, localWords = this.localWords;
    const frameWords = this.frameWords;
    const numImported = this.numImported;
    const G = this.G;
    // `| 0` wherever a loop variable comes from a parameter, call or field:
    // TurboFan then keeps it an untagged int32.
    pc |= 0;
    fp |= 0;
    depth |= 0;
    depth0 |= 0;
    blockPc |= 0;
    let f = 0;
    let fuel = this.fuelLeft | 0;
    const mem = this.mem, dv = this.dv, memLen = mem.length, M32 = this.m32;
    let inHost = false;
    try {
      for (;;) {
        // Every op goes through the one `switch`. (Sessions 2-4 took i32.add,
        // its immediate form and LOAD_ADDI out by conditional branches before
        // it, 12% faster on the AMD EPYC of the time; on a Zen 3 EPYC those
        // three branches cost 5-10%, see BENCHMARKS.md.)
        const op = code[pc];
        // Branches set pc to a FUEL op and leave this block with `break branch`:
        // the shared tail below charges that fuel block (one dispatch less).
        branch: {
          switch (op) {
            // ---- the most frequent ops in compiled C (i32.add, i32.add imm, LOAD_ADDI) ----
            case 0x6a: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] + I[fp + code[pc + 3]];
              pc += 4;
              break;
            }
            case 0x10a: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] + code[pc + 3];
              pc += 4;
              break;
            }
            case 0x1b8: { // LOAD_ADDI: i32.load from (x + imm) + offset
              const a = ((I[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
              if (a + 4 > memLen) trap("memory access out of bounds");
              I[fp + code[pc + 1]] = (a & 3) === 0 ? M32[a >>> 2] : dv.getInt32(a, true);
              pc += 5;
              break;
            }

            // ---- memory ----
            case 0x28: { // i32.load
              const a = (I[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (a + 4 > memLen) trap("memory access out of bounds");
              I[fp + code[pc + 1]] = (a & 3) === 0 ? M32[a >>> 2] : dv.getInt32(a, true);
              pc += 4;
              break;
            }
            case 0x29: // i64.load
            case 0x2b: { // f64.load
              const a = (I[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (a + 8 > memLen) trap("memory access out of bounds");
              const d = fp + code[pc + 1];
              I[d] = dv.getInt32(a, true);
              I[d + 1] = dv.getInt32(a + 4, true);
              pc += 4;
              break;
            }
            case 0x2a: { // f32.load
              const a = (I[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (a + 4 > memLen) trap("memory access out of bounds");
              I[fp + code[pc + 1]] = dv.getInt32(a, true);
              pc += 4;
              break;
            }
            case 0x2c: { // i32.load8_s
              const a = (I[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (a >= memLen) trap("memory access out of bounds");
              I[fp + code[pc + 1]] = (mem[a] << 24) >> 24;
              pc += 4;
              break;
            }
            case 0x2d: { // i32.load8_u
              const a = (I[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (a >= memLen) trap("memory access out of bounds");
              I[fp + code[pc + 1]] = mem[a];
              pc += 4;
              break;
            }
            case 0x2e: { // i32.load16_s
              const a = (I[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (a + 2 > memLen) trap("memory access out of bounds");
              I[fp + code[pc + 1]] = dv.getInt16(a, true);
              pc += 4;
              break;
            }
            case 0x2f: { // i32.load16_u
              const a = (I[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (a + 2 > memLen) trap("memory access out of bounds");
              I[fp + code[pc + 1]] = dv.getUint16(a, true);
              pc += 4;
              break;
            }
            case 0x30: { // i64.load8_s
              const a = (I[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (a >= memLen) trap("memory access out of bounds");
              const d = fp + code[pc + 1];
              I[d] = (mem[a] << 24) >> 24;
              I[d + 1] = I[d] >> 31;
              pc += 4;
              break;
            }
            case 0x31: { // i64.load8_u
              const a = (I[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (a >= memLen) trap("memory access out of bounds");
              const d = fp + code[pc + 1];
              I[d] = mem[a];
              I[d + 1] = 0;
              pc += 4;
              break;
            }
            case 0x32: { // i64.load16_s
              const a = (I[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (a + 2 > memLen) trap("memory access out of bounds");
              const d = fp + code[pc + 1];
              I[d] = dv.getInt16(a, true);
              I[d + 1] = I[d] >> 31;
              pc += 4;
              break;
            }
            case 0x33: { // i64.load16_u
              const a = (I[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (a + 2 > memLen) trap("memory access out of bounds");
              const d = fp + code[pc + 1];
              I[d] = dv.getUint16(a, true);
              I[d + 1] = 0;
              pc += 4;
              break;
            }
            case 0x34: { // i64.load32_s
              const a = (I[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (a + 4 > memLen) trap("memory access out of bounds");
              const d = fp + code[pc + 1];
              I[d] = dv.getInt32(a, true);
              I[d + 1] = I[d] >> 31;
              pc += 4;
              break;
            }
            case 0x35: { // i64.load32_u
              const a = (I[fp + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              if (a + 4 > memLen) trap("memory access out of bounds");
              const d = fp + code[pc + 1];
              I[d] = dv.getInt32(a, true);
              I[d + 1] = 0;
              pc += 4;
              break;
            }
            case 0x36: // i32.store
            case 0x38: { // f32.store
              const a = (I[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (a + 4 > memLen) trap("memory access out of bounds");
              if ((a & 3) === 0) M32[a >>> 2] = I[fp + code[pc + 2]];
              else dv.setInt32(a, I[fp + code[pc + 2]], true);
              pc += 4;
              break;
            }
            case 0x37: // i64.store
            case 0x39: { // f64.store
              const a = (I[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (a + 8 > memLen) trap("memory access out of bounds");
              const b = fp + code[pc + 2];
              dv.setInt32(a, I[b], true);
              dv.setInt32(a + 4, I[b + 1], true);
              pc += 4;
              break;
            }
            case 0x3a: // i32.store8
            case 0x3c: { // i64.store8
              const a = (I[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (a >= memLen) trap("memory access out of bounds");
              mem[a] = I[fp + code[pc + 2]];
              pc += 4;
              break;
            }
            case 0x3b: // i32.store16
            case 0x3d: { // i64.store16
              const a = (I[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (a + 2 > memLen) trap("memory access out of bounds");
              dv.setInt16(a, I[fp + code[pc + 2]], true);
              pc += 4;
              break;
            }
            case 0x3e: { // i64.store32
              const a = (I[fp + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              if (a + 4 > memLen) trap("memory access out of bounds");
              dv.setInt32(a, I[fp + code[pc + 2]], true);
              pc += 4;
              break;
            }
            case 0x3f: { // memory.size
              I[fp + code[pc + 1]] = memLen / PAGE;
              pc += 2;
              break;
            }

            // ---- i32 compare ----
            case 0x45: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] === 0 ? 1 : 0;
              pc += 3;
              break;
            }
            case 0x46: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] === I[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x47: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] !== I[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x48: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] < I[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x49: {
              I[fp + code[pc + 1]] = (I[fp + code[pc + 2]] >>> 0) < (I[fp + code[pc + 3]] >>> 0)
                ? 1
                : 0;
              pc += 4;
              break;
            }
            case 0x4a: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] > I[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x4b: {
              I[fp + code[pc + 1]] = (I[fp + code[pc + 2]] >>> 0) > (I[fp + code[pc + 3]] >>> 0)
                ? 1
                : 0;
              pc += 4;
              break;
            }
            case 0x4c: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] <= I[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x4d: {
              I[fp + code[pc + 1]] = (I[fp + code[pc + 2]] >>> 0) <= (I[fp + code[pc + 3]] >>> 0)
                ? 1
                : 0;
              pc += 4;
              break;
            }
            case 0x4e: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] >= I[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x4f: {
              I[fp + code[pc + 1]] = (I[fp + code[pc + 2]] >>> 0) >= (I[fp + code[pc + 3]] >>> 0)
                ? 1
                : 0;
              pc += 4;
              break;
            }

            // ---- i64 compare ----
            case 0x50: {
              const a = fp + code[pc + 2];
              I[fp + code[pc + 1]] = (I[a] | I[a + 1]) === 0 ? 1 : 0;
              pc += 3;
              break;
            }
            case 0x51:
            case 0x52:
            case 0x53:
            case 0x54:
            case 0x55:
            case 0x56:
            case 0x57:
            case 0x58:
            case 0x59:
            case 0x5a: {
              let x: number, y: number;
              const a = fp + code[pc + 2];
              const b = fp + code[pc + 3];
              const op = code[pc];
              const ah = I[a + 1], bh = I[b + 1];
              let cmp; // -1, 0, 1
              if (ah !== bh) {
                const signed = op === 0x53 || op === 0x55 || op === 0x57 || op === 0x59;
                cmp = signed ? (ah < bh ? -1 : 1) : ((ah >>> 0) < (bh >>> 0) ? -1 : 1);
              } else {
                x = I[a] >>> 0;
                y = I[b] >>> 0;
                cmp = x < y ? -1 : x > y ? 1 : 0;
              }
              let r;
              switch (op) {
                case 0x51:
                  r = cmp === 0;
                  break;
                case 0x52:
                  r = cmp !== 0;
                  break;
                case 0x53:
                case 0x54:
                  r = cmp < 0;
                  break;
                case 0x55:
                case 0x56:
                  r = cmp > 0;
                  break;
                case 0x57:
                case 0x58:
                  r = cmp <= 0;
                  break;
                default:
                  r = cmp >= 0;
              }
              I[fp + code[pc + 1]] = r ? 1 : 0;
              pc += 4;
              break;
            }

            // ---- float compare ----
            case 0x5b: {
              I[fp + code[pc + 1]] = F[fp + code[pc + 2]] === F[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x5c: {
              I[fp + code[pc + 1]] = F[fp + code[pc + 2]] !== F[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x5d: {
              I[fp + code[pc + 1]] = F[fp + code[pc + 2]] < F[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x5e: {
              I[fp + code[pc + 1]] = F[fp + code[pc + 2]] > F[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x5f: {
              I[fp + code[pc + 1]] = F[fp + code[pc + 2]] <= F[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x60: {
              I[fp + code[pc + 1]] = F[fp + code[pc + 2]] >= F[fp + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x61: {
              I[fp + code[pc + 1]] = D[(fp + code[pc + 2]) >> 1] === D[(fp + code[pc + 3]) >> 1]
                ? 1
                : 0;
              pc += 4;
              break;
            }
            case 0x62: {
              I[fp + code[pc + 1]] = D[(fp + code[pc + 2]) >> 1] !== D[(fp + code[pc + 3]) >> 1]
                ? 1
                : 0;
              pc += 4;
              break;
            }
            case 0x63: {
              I[fp + code[pc + 1]] = D[(fp + code[pc + 2]) >> 1] < D[(fp + code[pc + 3]) >> 1]
                ? 1
                : 0;
              pc += 4;
              break;
            }
            case 0x64: {
              I[fp + code[pc + 1]] = D[(fp + code[pc + 2]) >> 1] > D[(fp + code[pc + 3]) >> 1]
                ? 1
                : 0;
              pc += 4;
              break;
            }
            case 0x65: {
              I[fp + code[pc + 1]] = D[(fp + code[pc + 2]) >> 1] <= D[(fp + code[pc + 3]) >> 1]
                ? 1
                : 0;
              pc += 4;
              break;
            }
            case 0x66: {
              I[fp + code[pc + 1]] = D[(fp + code[pc + 2]) >> 1] >= D[(fp + code[pc + 3]) >> 1]
                ? 1
                : 0;
              pc += 4;
              break;
            }

            // ---- i32 arithmetic ----
            case 0x67: {
              I[fp + code[pc + 1]] = Math.clz32(I[fp + code[pc + 2]]);
              pc += 3;
              break;
            }
            case 0x68: {
              I[fp + code[pc + 1]] = ctz32(I[fp + code[pc + 2]]);
              pc += 3;
              break;
            }
            case 0x69: {
              I[fp + code[pc + 1]] = popcnt32(I[fp + code[pc + 2]]);
              pc += 3;
              break;
            }
            // 0x6a (i32.add): with the most frequent ops at the top
            case 0x6b: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] - I[fp + code[pc + 3]];
              pc += 4;
              break;
            }
            case 0x6c: {
              I[fp + code[pc + 1]] = Math.imul(I[fp + code[pc + 2]], I[fp + code[pc + 3]]);
              pc += 4;
              break;
            }
            case 0x6d: { // div_s
              const x = I[fp + code[pc + 2]];
              const y = I[fp + code[pc + 3]];
              if (y === 0) trap("divide by zero");
              if (x === -2147483648 && y === -1) trap("divide result unrepresentable");
              I[fp + code[pc + 1]] = x / y;
              pc += 4;
              break;
            }
            case 0x6e: { // div_u
              const x = I[fp + code[pc + 2]] >>> 0;
              const y = I[fp + code[pc + 3]] >>> 0;
              if (y === 0) trap("divide by zero");
              I[fp + code[pc + 1]] = x / y;
              pc += 4;
              break;
            }
            case 0x6f: { // rem_s
              const x = I[fp + code[pc + 2]];
              const y = I[fp + code[pc + 3]];
              if (y === 0) trap("remainder by zero");
              I[fp + code[pc + 1]] = y === -1 ? 0 : x % y;
              pc += 4;
              break;
            }
            case 0x70: { // rem_u
              const x = I[fp + code[pc + 2]] >>> 0;
              const y = I[fp + code[pc + 3]] >>> 0;
              if (y === 0) trap("remainder by zero");
              I[fp + code[pc + 1]] = x % y;
              pc += 4;
              break;
            }
            case 0x71: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] & I[fp + code[pc + 3]];
              pc += 4;
              break;
            }
            case 0x72: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] | I[fp + code[pc + 3]];
              pc += 4;
              break;
            }
            case 0x73: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] ^ I[fp + code[pc + 3]];
              pc += 4;
              break;
            }
            case 0x74: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] << I[fp + code[pc + 3]];
              pc += 4;
              break;
            }
            case 0x75: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] >> I[fp + code[pc + 3]];
              pc += 4;
              break;
            }
            case 0x76: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] >>> I[fp + code[pc + 3]];
              pc += 4;
              break;
            }
            case 0x77: {
              const x = I[fp + code[pc + 2]];
              const y = I[fp + code[pc + 3]];
              I[fp + code[pc + 1]] = (x << y) | (x >>> (32 - y));
              pc += 4;
              break;
            }
            case 0x78: {
              const x = I[fp + code[pc + 2]];
              const y = I[fp + code[pc + 3]];
              I[fp + code[pc + 1]] = (x >>> y) | (x << (32 - y));
              pc += 4;
              break;
            }

            // ---- i64 arithmetic ----
            case 0x79:
            case 0x7a:
            case 0x7b: {
              i64Unary(I, code[pc], fp + code[pc + 1], fp + code[pc + 2]);
              pc += 3;
              break;
            }
            case 0x7c: { // add
              const a = fp + code[pc + 2];
              const b = fp + code[pc + 3];
              const d = fp + code[pc + 1];
              const x = I[a];
              const y = (x + I[b]) | 0;
              I[d + 1] = I[a + 1] + I[b + 1] + ((y >>> 0) < (x >>> 0) ? 1 : 0);
              I[d] = y;
              pc += 4;
              break;
            }
            case 0x7d: { // sub
              const a = fp + code[pc + 2];
              const b = fp + code[pc + 3];
              const d = fp + code[pc + 1];
              const x = I[a];
              const y = I[b];
              I[d + 1] = I[a + 1] - I[b + 1] - ((x >>> 0) < (y >>> 0) ? 1 : 0);
              I[d] = x - y;
              pc += 4;
              break;
            }
            case 0x7e: { // mul
              const a = fp + code[pc + 2];
              const b = fp + code[pc + 3];
              const d = fp + code[pc + 1];
              const x = mul64(I[a], I[a + 1], I[b], I[b + 1]);
              I[d] = x;
              I[d + 1] = HI;
              pc += 4;
              break;
            }
            case 0x7f:
            case 0x80:
            case 0x81:
            case 0x82: {
              i64DivRem(I, code[pc], fp + code[pc + 1], fp + code[pc + 2], fp + code[pc + 3]);
              pc += 4;
              break;
            }
            case 0x83: {
              const a = fp + code[pc + 2];
              const b = fp + code[pc + 3];
              const d = fp + code[pc + 1];
              I[d] = I[a] & I[b];
              I[d + 1] = I[a + 1] & I[b + 1];
              pc += 4;
              break;
            }
            case 0x84: {
              const a = fp + code[pc + 2];
              const b = fp + code[pc + 3];
              const d = fp + code[pc + 1];
              I[d] = I[a] | I[b];
              I[d + 1] = I[a + 1] | I[b + 1];
              pc += 4;
              break;
            }
            case 0x85: {
              const a = fp + code[pc + 2];
              const b = fp + code[pc + 3];
              const d = fp + code[pc + 1];
              I[d] = I[a] ^ I[b];
              I[d + 1] = I[a + 1] ^ I[b + 1];
              pc += 4;
              break;
            }
            case 0x86:
            case 0x87:
            case 0x88:
            case 0x89:
            case 0x8a: {
              i64Shift(I, code[pc], fp + code[pc + 1], fp + code[pc + 2], fp + code[pc + 3]);
              pc += 4;
              break;
            }

            // ---- f32 arithmetic ----
            case 0x8b: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] & 0x7fffffff;
              pc += 3;
              break;
            }
            case 0x8c: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] ^ -2147483648;
              pc += 3;
              break;
            }
            case 0x8d: {
              F[fp + code[pc + 1]] = Math.ceil(F[fp + code[pc + 2]]);
              pc += 3;
              break;
            }
            case 0x8e: {
              F[fp + code[pc + 1]] = Math.floor(F[fp + code[pc + 2]]);
              pc += 3;
              break;
            }
            case 0x8f: {
              F[fp + code[pc + 1]] = Math.trunc(F[fp + code[pc + 2]]);
              pc += 3;
              break;
            }
            case 0x90: {
              F[fp + code[pc + 1]] = nearest(F[fp + code[pc + 2]]);
              pc += 3;
              break;
            }
            case 0x91: {
              F[fp + code[pc + 1]] = Math.sqrt(F[fp + code[pc + 2]]);
              pc += 3;
              break;
            }
            case 0x92: {
              F[fp + code[pc + 1]] = F[fp + code[pc + 2]] + F[fp + code[pc + 3]];
              pc += 4;
              break;
            }
            case 0x93: {
              F[fp + code[pc + 1]] = F[fp + code[pc + 2]] - F[fp + code[pc + 3]];
              pc += 4;
              break;
            }
            case 0x94: {
              F[fp + code[pc + 1]] = F[fp + code[pc + 2]] * F[fp + code[pc + 3]];
              pc += 4;
              break;
            }
            case 0x95: {
              F[fp + code[pc + 1]] = F[fp + code[pc + 2]] / F[fp + code[pc + 3]];
              pc += 4;
              break;
            }
            case 0x96: {
              F[fp + code[pc + 1]] = Math.min(F[fp + code[pc + 2]], F[fp + code[pc + 3]]);
              pc += 4;
              break;
            }
            case 0x97: {
              F[fp + code[pc + 1]] = Math.max(F[fp + code[pc + 2]], F[fp + code[pc + 3]]);
              pc += 4;
              break;
            }
            case 0x98: {
              I[fp + code[pc + 1]] = (I[fp + code[pc + 2]] & 0x7fffffff) |
                (I[fp + code[pc + 3]] & -2147483648);
              pc += 4;
              break;
            }

            // ---- f64 arithmetic ----
            case 0x99: {
              const d = fp + code[pc + 1];
              const a = fp + code[pc + 2];
              I[d] = I[a];
              I[d + 1] = I[a + 1] & 0x7fffffff;
              pc += 3;
              break;
            }
            case 0x9a: {
              const d = fp + code[pc + 1];
              const a = fp + code[pc + 2];
              I[d] = I[a];
              I[d + 1] = I[a + 1] ^ -2147483648;
              pc += 3;
              break;
            }
            case 0x9b: {
              D[(fp + code[pc + 1]) >> 1] = quiet(Math.ceil(D[(fp + code[pc + 2]) >> 1]));
              pc += 3;
              break;
            }
            case 0x9c: {
              D[(fp + code[pc + 1]) >> 1] = quiet(Math.floor(D[(fp + code[pc + 2]) >> 1]));
              pc += 3;
              break;
            }
            case 0x9d: {
              D[(fp + code[pc + 1]) >> 1] = quiet(Math.trunc(D[(fp + code[pc + 2]) >> 1]));
              pc += 3;
              break;
            }
            case 0x9e: {
              D[(fp + code[pc + 1]) >> 1] = quiet(nearest(D[(fp + code[pc + 2]) >> 1]));
              pc += 3;
              break;
            }
            case 0x9f: {
              D[(fp + code[pc + 1]) >> 1] = quiet(Math.sqrt(D[(fp + code[pc + 2]) >> 1]));
              pc += 3;
              break;
            }
            case 0xa0: {
              D[(fp + code[pc + 1]) >> 1] = D[(fp + code[pc + 2]) >> 1] +
                D[(fp + code[pc + 3]) >> 1];
              pc += 4;
              break;
            }
            case 0xa1: {
              D[(fp + code[pc + 1]) >> 1] = D[(fp + code[pc + 2]) >> 1] -
                D[(fp + code[pc + 3]) >> 1];
              pc += 4;
              break;
            }
            case 0xa2: {
              D[(fp + code[pc + 1]) >> 1] = D[(fp + code[pc + 2]) >> 1] *
                D[(fp + code[pc + 3]) >> 1];
              pc += 4;
              break;
            }
            case 0xa3: {
              D[(fp + code[pc + 1]) >> 1] = D[(fp + code[pc + 2]) >> 1] /
                D[(fp + code[pc + 3]) >> 1];
              pc += 4;
              break;
            }
            case 0xa4: {
              D[(fp + code[pc + 1]) >> 1] = quiet(Math.min(
                D[(fp + code[pc + 2]) >> 1],
                D[(fp + code[pc + 3]) >> 1],
              ));
              pc += 4;
              break;
            }
            case 0xa5: {
              D[(fp + code[pc + 1]) >> 1] = quiet(Math.max(
                D[(fp + code[pc + 2]) >> 1],
                D[(fp + code[pc + 3]) >> 1],
              ));
              pc += 4;
              break;
            }
            case 0xa6: {
              const d = fp + code[pc + 1];
              const a = fp + code[pc + 2];
              const b = fp + code[pc + 3];
              I[d] = I[a];
              I[d + 1] = (I[a + 1] & 0x7fffffff) | (I[b + 1] & -2147483648);
              pc += 4;
              break;
            }

            // ---- conversions ----
            case 0xa7: // i32.wrap_i64
            case 0xbc: // i32.reinterpret_f32
            case 0xbe: { // f32.reinterpret_i32
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]];
              pc += 3;
              break;
            }
            case 0xa8: {
              const x = F[fp + code[pc + 2]];
              if (!(x > -2147483649 && x < 2147483648)) {
                trap("float unrepresentable in integer range");
              }
              I[fp + code[pc + 1]] = x;
              pc += 3;
              break;
            }
            case 0xa9: {
              const x = F[fp + code[pc + 2]];
              if (!(x > -1 && x < 4294967296)) trap("float unrepresentable in integer range");
              I[fp + code[pc + 1]] = x >>> 0;
              pc += 3;
              break;
            }
            case 0xaa: {
              const x = D[(fp + code[pc + 2]) >> 1];
              if (!(x > -2147483649 && x < 2147483648)) {
                trap("float unrepresentable in integer range");
              }
              I[fp + code[pc + 1]] = x;
              pc += 3;
              break;
            }
            case 0xab: {
              const x = D[(fp + code[pc + 2]) >> 1];
              if (!(x > -1 && x < 4294967296)) trap("float unrepresentable in integer range");
              I[fp + code[pc + 1]] = x >>> 0;
              pc += 3;
              break;
            }
            case 0xac: { // i64.extend_i32_s
              const d = fp + code[pc + 1];
              const x = I[fp + code[pc + 2]];
              I[d] = x;
              I[d + 1] = x >> 31;
              pc += 3;
              break;
            }
            case 0xad: { // i64.extend_i32_u
              const d = fp + code[pc + 1];
              I[d] = I[fp + code[pc + 2]];
              I[d + 1] = 0;
              pc += 3;
              break;
            }
            case 0xae: {
              truncI64(I, fp + code[pc + 1], F[fp + code[pc + 2]], true);
              pc += 3;
              break;
            }
            case 0xaf: {
              truncI64(I, fp + code[pc + 1], F[fp + code[pc + 2]], false);
              pc += 3;
              break;
            }
            case 0xb0: {
              truncI64(I, fp + code[pc + 1], D[(fp + code[pc + 2]) >> 1], true);
              pc += 3;
              break;
            }
            case 0xb1: {
              truncI64(I, fp + code[pc + 1], D[(fp + code[pc + 2]) >> 1], false);
              pc += 3;
              break;
            }
            case 0xb2: {
              F[fp + code[pc + 1]] = I[fp + code[pc + 2]];
              pc += 3;
              break;
            }
            case 0xb3: {
              F[fp + code[pc + 1]] = I[fp + code[pc + 2]] >>> 0;
              pc += 3;
              break;
            }
            case 0xb4: {
              const a = fp + code[pc + 2];
              F[fp + code[pc + 1]] = i64ToF32(I[a], I[a + 1], true);
              pc += 3;
              break;
            }
            case 0xb5: {
              const a = fp + code[pc + 2];
              F[fp + code[pc + 1]] = i64ToF32(I[a], I[a + 1], false);
              pc += 3;
              break;
            }
            case 0xb6: {
              F[fp + code[pc + 1]] = D[(fp + code[pc + 2]) >> 1];
              pc += 3;
              break;
            }
            case 0xb7: {
              D[(fp + code[pc + 1]) >> 1] = I[fp + code[pc + 2]];
              pc += 3;
              break;
            }
            case 0xb8: {
              D[(fp + code[pc + 1]) >> 1] = I[fp + code[pc + 2]] >>> 0;
              pc += 3;
              break;
            }
            case 0xb9: {
              const a = fp + code[pc + 2];
              D[(fp + code[pc + 1]) >> 1] = I[a + 1] * 4294967296 + (I[a] >>> 0);
              pc += 3;
              break;
            }
            case 0xba: {
              const a = fp + code[pc + 2];
              D[(fp + code[pc + 1]) >> 1] = (I[a + 1] >>> 0) * 4294967296 + (I[a] >>> 0);
              pc += 3;
              break;
            }
            case 0xbb: {
              D[(fp + code[pc + 1]) >> 1] = F[fp + code[pc + 2]];
              pc += 3;
              break;
            }
            case 0xbd: // i64.reinterpret_f64
            case 0xbf: { // f64.reinterpret_i64
              const d = fp + code[pc + 1];
              const a = fp + code[pc + 2];
              I[d] = I[a];
              I[d + 1] = I[a + 1];
              pc += 3;
              break;
            }
            case 0xc0: {
              I[fp + code[pc + 1]] = (I[fp + code[pc + 2]] << 24) >> 24;
              pc += 3;
              break;
            }
            case 0xc1: {
              I[fp + code[pc + 1]] = (I[fp + code[pc + 2]] << 16) >> 16;
              pc += 3;
              break;
            }
            case 0xc2: {
              const d = fp + code[pc + 1];
              const x = (I[fp + code[pc + 2]] << 24) >> 24;
              I[d] = x;
              I[d + 1] = x >> 31;
              pc += 3;
              break;
            }
            case 0xc3: {
              const d = fp + code[pc + 1];
              const x = (I[fp + code[pc + 2]] << 16) >> 16;
              I[d] = x;
              I[d + 1] = x >> 31;
              pc += 3;
              break;
            }
            case 0xc4: {
              const d = fp + code[pc + 1];
              const x = I[fp + code[pc + 2]];
              I[d] = x;
              I[d + 1] = x >> 31;
              pc += 3;
              break;
            }
            case 0xe0:
            case 0xe1:
            case 0xe4:
            case 0xe5: {
              truncSat(I, code[pc], fp + code[pc + 1], F[fp + code[pc + 2]]);
              pc += 3;
              break;
            }
            case 0xe2:
            case 0xe3:
            case 0xe6:
            case 0xe7: {
              truncSat(I, code[pc], fp + code[pc + 1], D[(fp + code[pc + 2]) >> 1]);
              pc += 3;
              break;
            }

            // ---- i32 with immediate ----
            case 0x100: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] === code[pc + 3] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x101: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] !== code[pc + 3] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x102: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] < code[pc + 3] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x103: {
              I[fp + code[pc + 1]] = (I[fp + code[pc + 2]] >>> 0) < (code[pc + 3] >>> 0) ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x104: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] > code[pc + 3] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x105: {
              I[fp + code[pc + 1]] = (I[fp + code[pc + 2]] >>> 0) > (code[pc + 3] >>> 0) ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x106: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] <= code[pc + 3] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x107: {
              I[fp + code[pc + 1]] = (I[fp + code[pc + 2]] >>> 0) <= (code[pc + 3] >>> 0) ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x108: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] >= code[pc + 3] ? 1 : 0;
              pc += 4;
              break;
            }
            case 0x109: {
              I[fp + code[pc + 1]] = (I[fp + code[pc + 2]] >>> 0) >= (code[pc + 3] >>> 0) ? 1 : 0;
              pc += 4;
              break;
            }
            // 0x10a (i32.add immediate): with the most frequent ops at the top
            case 0x10b: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] - code[pc + 3];
              pc += 4;
              break;
            }
            case 0x10c: {
              I[fp + code[pc + 1]] = Math.imul(I[fp + code[pc + 2]], code[pc + 3]);
              pc += 4;
              break;
            }
            case 0x111: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] & code[pc + 3];
              pc += 4;
              break;
            }
            case 0x112: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] | code[pc + 3];
              pc += 4;
              break;
            }
            case 0x113: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] ^ code[pc + 3];
              pc += 4;
              break;
            }
            case 0x114: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] << code[pc + 3];
              pc += 4;
              break;
            }
            case 0x115: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] >> code[pc + 3];
              pc += 4;
              break;
            }
            case 0x116: {
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] >>> code[pc + 3];
              pc += 4;
              break;
            }
            case 0x117: {
              const x = I[fp + code[pc + 2]];
              const y = code[pc + 3];
              I[fp + code[pc + 1]] = (x << y) | (x >>> (32 - y));
              pc += 4;
              break;
            }
            case 0x118: {
              const x = I[fp + code[pc + 2]];
              const y = code[pc + 3];
              I[fp + code[pc + 1]] = (x >>> y) | (x << (32 - y));
              pc += 4;
              break;
            }

            // ---- control ----
            case 0x120: { // FUEL
              break branch;
            }
            case 0x121: { // BR
              pc = code[pc + 1];
              break branch;
            }
            case 0x122: { // BR_IF
              pc = I[fp + code[pc + 1]] !== 0 ? code[pc + 2] : pc + 3;
              break branch;
            }
            case 0x123: { // BR_UNLESS
              pc = I[fp + code[pc + 1]] === 0 ? code[pc + 2] : pc + 3;
              break branch;
            }
            case 0x155: { // BR_UNLESS_PLAIN
              pc = I[fp + code[pc + 1]] === 0 ? code[pc + 2] : pc + 3;
              break;
            }
            case 0x156: { // COPY32X2
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]];
              I[fp + code[pc + 3]] = I[fp + code[pc + 4]];
              pc += 5;
              break;
            }
            case 0x157: { // COPY64X2
              let d = fp + code[pc + 1], a = fp + code[pc + 2];
              I[d] = I[a];
              I[d + 1] = I[a + 1];
              d = fp + code[pc + 3];
              a = fp + code[pc + 4];
              I[d] = I[a];
              I[d + 1] = I[a + 1];
              pc += 5;
              break;
            }
            case 0x124: { // BR_TABLE
              const x = I[fp + code[pc + 1]] >>> 0;
              const y = code[pc + 2];
              pc = code[pc + 3 + (x < y ? x : y)];
              break;
            }
            case 0x125: { // RETURN
              if (depth === depth0) {
                this.fuelLeft = fuel;
                return -1;
              }
              depth--;
              pc = frames[2 * depth];
              fp = frames[2 * depth + 1];
              break;
            }
            case 0x126: // CALL
            case 0x127: { // CALL_INDIRECT
              let x: number;
              let nfp, next;
              if (code[pc] === 0x126) {
                f = code[pc + 1];
                nfp = fp + code[pc + 2];
                next = pc + 3;
              } else {
                const tab = this.tables[code[pc + 2]];
                x = I[fp + code[pc + 3]] >>> 0;
                if (x >= tab.length) trap("table index is out of bounds");
                f = tab[x];
                if (f < 0) trap("null function");
                if (this.funcTypeId[f] !== code[pc + 1]) trap("function signature mismatch");
                nfp = fp + code[pc + 4];
                next = pc + 5;
              }
              if (f < numImported) {
                this.fuelLeft = fuel;
                this.depth = depth;
                inHost = true;
                this.callHost(f, nfp);
                inHost = false;
                this.syncMemory();
                this.pauseFp = fp;
                this.pauseDepth = depth;
                this.pauseBlock = blockPc;
                return next;
              }
              if (depth >= MAX_DEPTH) trap("call stack exhausted");
              const grow = nfp + frameWords[f] > this.cap;
              if (grow && !this.growStack(nfp + frameWords[f])) trap("call stack exhausted");
              frames[2 * depth] = next;
              frames[2 * depth + 1] = fp;
              depth++;
              fp = nfp;
              const J = this.I;
              for (let w = fp + paramWords[f], e = fp + localWords[f]; w < e; w++) J[w] = 0;
              pc = entry[f];
              if (grow) {
                this.fuelLeft = fuel;
                this.pauseFp = fp;
                this.pauseDepth = depth;
                this.pauseBlock = blockPc;
                return pc;
              }
              break;
            }
            case 0x128: {
              trap("unreachable");
              break;
            }
            case 0x129: { // COPY32
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]];
              pc += 3;
              break;
            }
            case 0x12a: { // COPY64
              const d = fp + code[pc + 1];
              const a = fp + code[pc + 2];
              I[d] = I[a];
              I[d + 1] = I[a + 1];
              pc += 3;
              break;
            }
            case 0x12b: { // CONST32
              I[fp + code[pc + 1]] = code[pc + 2];
              pc += 3;
              break;
            }
            case 0x12c: { // CONST64
              const d = fp + code[pc + 1];
              I[d] = code[pc + 2];
              I[d + 1] = code[pc + 3];
              pc += 4;
              break;
            }
            case 0x12d: { // SELECT32
              I[fp + code[pc + 1]] = I[fp + code[pc + 4]] !== 0
                ? I[fp + code[pc + 2]]
                : I[fp + code[pc + 3]];
              pc += 5;
              break;
            }
            case 0x12e: { // SELECT64
              const d = fp + code[pc + 1];
              const a = I[fp + code[pc + 4]] !== 0 ? fp + code[pc + 2] : fp + code[pc + 3];
              I[d] = I[a];
              I[d + 1] = I[a + 1];
              pc += 5;
              break;
            }
            case 0x12f: { // GGET32
              I[fp + code[pc + 1]] = G[2 * code[pc + 2]];
              pc += 3;
              break;
            }
            case 0x130: { // GGET64
              const d = fp + code[pc + 1];
              const a = 2 * code[pc + 2];
              I[d] = G[a];
              I[d + 1] = G[a + 1];
              pc += 3;
              break;
            }
            case 0x131: { // GSET32
              G[2 * code[pc + 1]] = I[fp + code[pc + 2]];
              pc += 3;
              break;
            }
            case 0x132: { // GSET64
              const a = 2 * code[pc + 1];
              const b = fp + code[pc + 2];
              G[a] = I[b];
              G[a + 1] = I[b + 1];
              pc += 3;
              break;
            }
            case 0x133: { // MISC
              const sub = code[pc + 1];
              pc = this.misc(pc, fp) | 0;
              if (sub === Misc.MEMORY_GROW) {
                this.fuelLeft = fuel;
                this.pauseFp = fp;
                this.pauseDepth = depth;
                this.pauseBlock = blockPc;
                return pc;
              }
              break;
            }
            case 0x134: { // STOP
              this.fuelStop();
              break;
            }

            // ---- fused compare + branch ----
            case 0x140: {
              pc = I[fp + code[pc + 1]] === I[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x141: {
              pc = I[fp + code[pc + 1]] !== I[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x142: {
              pc = I[fp + code[pc + 1]] < I[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x143: {
              pc = (I[fp + code[pc + 1]] >>> 0) < (I[fp + code[pc + 2]] >>> 0)
                ? code[pc + 3]
                : pc + 4;
              break branch;
            }
            case 0x144: {
              pc = I[fp + code[pc + 1]] > I[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x145: {
              pc = (I[fp + code[pc + 1]] >>> 0) > (I[fp + code[pc + 2]] >>> 0)
                ? code[pc + 3]
                : pc + 4;
              break branch;
            }
            case 0x146: {
              pc = I[fp + code[pc + 1]] <= I[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x147: {
              pc = (I[fp + code[pc + 1]] >>> 0) <= (I[fp + code[pc + 2]] >>> 0)
                ? code[pc + 3]
                : pc + 4;
              break branch;
            }
            case 0x148: {
              pc = I[fp + code[pc + 1]] >= I[fp + code[pc + 2]] ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x149: {
              pc = (I[fp + code[pc + 1]] >>> 0) >= (I[fp + code[pc + 2]] >>> 0)
                ? code[pc + 3]
                : pc + 4;
              break branch;
            }
            case 0x14a: {
              pc = I[fp + code[pc + 1]] === code[pc + 2] ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x14b: {
              pc = I[fp + code[pc + 1]] !== code[pc + 2] ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x14c: {
              pc = I[fp + code[pc + 1]] < code[pc + 2] ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x14d: {
              pc = (I[fp + code[pc + 1]] >>> 0) < (code[pc + 2] >>> 0) ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x14e: {
              pc = I[fp + code[pc + 1]] > code[pc + 2] ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x14f: {
              pc = (I[fp + code[pc + 1]] >>> 0) > (code[pc + 2] >>> 0) ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x150: {
              pc = I[fp + code[pc + 1]] <= code[pc + 2] ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x151: {
              pc = (I[fp + code[pc + 1]] >>> 0) <= (code[pc + 2] >>> 0) ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x152: {
              pc = I[fp + code[pc + 1]] >= code[pc + 2] ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x153: {
              pc = (I[fp + code[pc + 1]] >>> 0) >= (code[pc + 2] >>> 0) ? code[pc + 3] : pc + 4;
              break branch;
            }
            case 0x154: { // BR_EQZ
              pc = I[fp + code[pc + 1]] === 0 ? code[pc + 2] : pc + 3;
              break branch;
            }
            // ---- fused i32 pairs: d = (x op1 z) op2 y, [pack3(d, y, x), z] (see _ops.ts) ----
            case 0x160: { // (add x imm) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x + z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x161: { // (add x imm) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x + z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x162: { // (add x imm) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x + z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x163: { // (add x imm) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x + z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x164: { // (sub x imm) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x - z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x165: { // (sub x imm) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x - z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x166: { // (sub x imm) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x - z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x167: { // (sub x imm) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x - z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x168: { // (mul x imm) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = Math.imul(x, z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x169: { // (mul x imm) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = Math.imul(x, z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x16a: { // (mul x imm) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = Math.imul(x, z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x16b: { // (mul x imm) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = Math.imul(x, z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x16c: { // (and x imm) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x & z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x16d: { // (and x imm) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x & z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x16e: { // (and x imm) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x & z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x16f: { // (and x imm) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x & z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x170: { // (or x imm) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x | z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x171: { // (or x imm) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x | z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x172: { // (or x imm) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x | z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x173: { // (or x imm) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x | z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x174: { // (xor x imm) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x ^ z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x175: { // (xor x imm) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x ^ z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x176: { // (xor x imm) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x ^ z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x177: { // (xor x imm) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x ^ z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x178: { // (shl x imm) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x << z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x179: { // (shl x imm) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x << z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x17a: { // (shl x imm) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x << z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x17b: { // (shl x imm) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x << z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x17c: { // (shr_s x imm) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x >> z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x17d: { // (shr_s x imm) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x >> z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x17e: { // (shr_s x imm) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x >> z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x17f: { // (shr_s x imm) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x >> z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x180: { // (shr_u x imm) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x >>> z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x181: { // (shr_u x imm) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x >>> z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x182: { // (shr_u x imm) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x >>> z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x183: { // (shr_u x imm) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = (x >>> z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x184: { // (rotl x imm) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = ((x << z) | (x >>> (32 - z))) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x185: { // (rotl x imm) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = ((x << z) | (x >>> (32 - z))) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x186: { // (rotl x imm) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = ((x << z) | (x >>> (32 - z))) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x187: { // (rotl x imm) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = ((x << z) | (x >>> (32 - z))) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x188: { // (rotr x imm) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = ((x >>> z) | (x << (32 - z))) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x189: { // (rotr x imm) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = ((x >>> z) | (x << (32 - z))) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x18a: { // (rotr x imm) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = ((x >>> z) | (x << (32 - z))) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x18b: { // (rotr x imm) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = code[pc + 2];
              I[fp + (q & 1023)] = ((x >>> z) | (x << (32 - z))) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x18c: { // (add x z) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x + z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x18d: { // (add x z) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x + z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x18e: { // (add x z) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x + z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x18f: { // (add x z) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x + z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x190: { // (sub x z) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x - z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x191: { // (sub x z) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x - z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x192: { // (sub x z) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x - z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x193: { // (sub x z) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x - z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x194: { // (mul x z) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = Math.imul(x, z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x195: { // (mul x z) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = Math.imul(x, z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x196: { // (mul x z) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = Math.imul(x, z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x197: { // (mul x z) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = Math.imul(x, z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x198: { // (and x z) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x & z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x199: { // (and x z) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x & z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x19a: { // (and x z) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x & z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x19b: { // (and x z) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x & z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x19c: { // (or x z) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x | z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x19d: { // (or x z) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x | z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x19e: { // (or x z) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x | z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x19f: { // (or x z) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x | z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1a0: { // (xor x z) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x ^ z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1a1: { // (xor x z) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x ^ z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1a2: { // (xor x z) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x ^ z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1a3: { // (xor x z) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x ^ z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1a4: { // (shl x z) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x << z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1a5: { // (shl x z) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x << z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1a6: { // (shl x z) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x << z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1a7: { // (shl x z) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x << z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1a8: { // (shr_s x z) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x >> z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1a9: { // (shr_s x z) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x >> z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1aa: { // (shr_s x z) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x >> z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1ab: { // (shr_s x z) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x >> z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1ac: { // (shr_u x z) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x >>> z) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1ad: { // (shr_u x z) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x >>> z) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1ae: { // (shr_u x z) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x >>> z) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1af: { // (shr_u x z) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = (x >>> z) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1b0: { // (rotl x z) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = ((x << z) | (x >>> (32 - z))) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1b1: { // (rotl x z) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = ((x << z) | (x >>> (32 - z))) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1b2: { // (rotl x z) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = ((x << z) | (x >>> (32 - z))) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1b3: { // (rotl x z) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = ((x << z) | (x >>> (32 - z))) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1b4: { // (rotr x z) add y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = ((x >>> z) | (x << (32 - z))) + I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1b5: { // (rotr x z) and y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = ((x >>> z) | (x << (32 - z))) & I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1b6: { // (rotr x z) or y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = ((x >>> z) | (x << (32 - z))) | I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }
            case 0x1b7: { // (rotr x z) xor y
              const q = code[pc + 1];
              const x = I[fp + (q >>> 20)], z = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = ((x >>> z) | (x << (32 - z))) ^ I[fp + ((q >>> 10) & 1023)];
              pc += 3;
              break;
            }

            // 0x1b8 (LOAD_ADDI): with the most frequent ops at the top
            case 0x1b9: { // COPY32N
              const e = pc + 2 + 2 * code[pc + 1];
              for (let p = pc + 2; p < e; p += 2) I[fp + code[p]] = I[fp + code[p + 1]];
              pc = e;
              break;
            }
            case 0x1ba: { // LOAD_ADD: i32.load from (x + y) + offset
              const a = ((I[fp + code[pc + 2]] + I[fp + code[pc + 3]]) >>> 0) +
                (code[pc + 4] >>> 0);
              if (a + 4 > memLen) trap("memory access out of bounds");
              I[fp + code[pc + 1]] = (a & 3) === 0 ? M32[a >>> 2] : dv.getInt32(a, true);
              pc += 5;
              break;
            }
            // ---- fused i32.add immediate + compare + br_if: [dst, src, imm, b, target] ----
            case 0x1c0: { // add imm, br_if eq imm
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = v === code[pc + 4] ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1c1: { // add imm, br_if ne imm
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = v !== code[pc + 4] ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1c2: { // add imm, br_if lt_s imm
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = v < code[pc + 4] ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1c3: { // add imm, br_if lt_u imm
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = (v >>> 0) < (code[pc + 4] >>> 0) ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1c4: { // add imm, br_if gt_s imm
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = v > code[pc + 4] ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1c5: { // add imm, br_if gt_u imm
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = (v >>> 0) > (code[pc + 4] >>> 0) ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1c6: { // add imm, br_if le_s imm
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = v <= code[pc + 4] ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1c7: { // add imm, br_if le_u imm
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = (v >>> 0) <= (code[pc + 4] >>> 0) ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1c8: { // add imm, br_if ge_s imm
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = v >= code[pc + 4] ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1c9: { // add imm, br_if ge_u imm
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = (v >>> 0) >= (code[pc + 4] >>> 0) ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1ca: { // add imm, br_if eq b
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = v === I[fp + code[pc + 4]] ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1cb: { // add imm, br_if ne b
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = v !== I[fp + code[pc + 4]] ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1cc: { // add imm, br_if lt_s b
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = v < I[fp + code[pc + 4]] ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1cd: { // add imm, br_if lt_u b
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = (v >>> 0) < (I[fp + code[pc + 4]] >>> 0) ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1ce: { // add imm, br_if gt_s b
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = v > I[fp + code[pc + 4]] ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1cf: { // add imm, br_if gt_u b
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = (v >>> 0) > (I[fp + code[pc + 4]] >>> 0) ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1d0: { // add imm, br_if le_s b
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = v <= I[fp + code[pc + 4]] ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1d1: { // add imm, br_if le_u b
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = (v >>> 0) <= (I[fp + code[pc + 4]] >>> 0) ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1d2: { // add imm, br_if ge_s b
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = v >= I[fp + code[pc + 4]] ? code[pc + 5] : pc + 6;
              break branch;
            }
            case 0x1d4: { // MOV_ADDI_BR_NE: move, add imm, br_if ne imm
              I[fp + code[pc + 6]] = I[fp + code[pc + 7]];
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = v !== code[pc + 4] ? code[pc + 5] : pc + 8;
              break branch;
            }
            case 0x1d3: { // add imm, br_if ge_u b
              const v = (I[fp + code[pc + 2]] + code[pc + 3]) | 0;
              I[fp + code[pc + 1]] = v;
              pc = (v >>> 0) >= (I[fp + code[pc + 4]] >>> 0) ? code[pc + 5] : pc + 6;
              break branch;
            }

            // ---- DUAL: d = (x op1 a) op2 (w op1 b), [pack3(d, w, x), a | b << 5] ----
            case 0x1e0: { // (shl x a) add (shl w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = (x << a) + (w << b);
              pc += 3;
              break;
            }
            case 0x1e1: { // (shl x a) and (shl w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = (x << a) & (w << b);
              pc += 3;
              break;
            }
            case 0x1e2: { // (shl x a) or (shl w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = (x << a) | (w << b);
              pc += 3;
              break;
            }
            case 0x1e3: { // (shl x a) xor (shl w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = (x << a) ^ (w << b);
              pc += 3;
              break;
            }
            case 0x1e4: { // (shr_s x a) add (shr_s w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = (x >> a) + (w >> b);
              pc += 3;
              break;
            }
            case 0x1e5: { // (shr_s x a) and (shr_s w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = (x >> a) & (w >> b);
              pc += 3;
              break;
            }
            case 0x1e6: { // (shr_s x a) or (shr_s w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = (x >> a) | (w >> b);
              pc += 3;
              break;
            }
            case 0x1e7: { // (shr_s x a) xor (shr_s w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = (x >> a) ^ (w >> b);
              pc += 3;
              break;
            }
            case 0x1e8: { // (shr_u x a) add (shr_u w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = (x >>> a) + (w >>> b);
              pc += 3;
              break;
            }
            case 0x1e9: { // (shr_u x a) and (shr_u w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = (x >>> a) & (w >>> b);
              pc += 3;
              break;
            }
            case 0x1ea: { // (shr_u x a) or (shr_u w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = (x >>> a) | (w >>> b);
              pc += 3;
              break;
            }
            case 0x1eb: { // (shr_u x a) xor (shr_u w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = (x >>> a) ^ (w >>> b);
              pc += 3;
              break;
            }
            case 0x1ec: { // (rotl x a) add (rotl w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = ((x << a) | (x >>> (32 - a))) + ((w << b) | (w >>> (32 - b)));
              pc += 3;
              break;
            }
            case 0x1ed: { // (rotl x a) and (rotl w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = ((x << a) | (x >>> (32 - a))) & ((w << b) | (w >>> (32 - b)));
              pc += 3;
              break;
            }
            case 0x1ee: { // (rotl x a) or (rotl w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = ((x << a) | (x >>> (32 - a))) | ((w << b) | (w >>> (32 - b)));
              pc += 3;
              break;
            }
            case 0x1ef: { // (rotl x a) xor (rotl w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = ((x << a) | (x >>> (32 - a))) ^ ((w << b) | (w >>> (32 - b)));
              pc += 3;
              break;
            }
            case 0x1f0: { // (rotr x a) add (rotr w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = ((x >>> a) | (x << (32 - a))) + ((w >>> b) | (w << (32 - b)));
              pc += 3;
              break;
            }
            case 0x1f1: { // (rotr x a) and (rotr w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = ((x >>> a) | (x << (32 - a))) & ((w >>> b) | (w << (32 - b)));
              pc += 3;
              break;
            }
            case 0x1f2: { // (rotr x a) or (rotr w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = ((x >>> a) | (x << (32 - a))) | ((w >>> b) | (w << (32 - b)));
              pc += 3;
              break;
            }
            case 0x1f3: { // (rotr x a) xor (rotr w b)
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = r & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = r >>> 5;
              I[fp + (q & 1023)] = ((x >>> a) | (x << (32 - a))) ^ ((w >>> b) | (w << (32 - b)));
              pc += 3;
              break;
            }

            case 0x227: { // ADDI_COPY32N_BR
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] + code[pc + 3];
              const e = pc + 5 + 2 * code[pc + 4];
              for (let p = pc + 5; p < e; p += 2) I[fp + code[p]] = I[fp + code[p + 1]];
              pc = code[e];
              break branch;
            }
            case 0x1bb: { // COPY32N_BR
              const e = pc + 2 + 2 * code[pc + 1];
              for (let p = pc + 2; p < e; p += 2) I[fp + code[p]] = I[fp + code[p + 1]];
              pc = code[e];
              break branch;
            }
            // ---- TRIPLE: d = (x op1 a) ^ (w op1 b) ^ (v op2 c) (layout in _ops.ts) ----
            case 0x200: { // shl, shl, shl
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x << a) ^ (w << b) ^ (v << c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x201: { // shl, shl, shr_s
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x << a) ^ (w << b) ^ (v >> c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x202: { // shl, shl, shr_u
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x << a) ^ (w << b) ^ (v >>> c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x203: { // shl, shl, rotl
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x << a) ^ (w << b) ^ ((v << c) | (v >>> (32 - c)));
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x204: { // shl, shl, rotr
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x << a) ^ (w << b) ^ ((v >>> c) | (v << (32 - c)));
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x205: { // shr_s, shr_s, shl
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x >> a) ^ (w >> b) ^ (v << c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x206: { // shr_s, shr_s, shr_s
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x >> a) ^ (w >> b) ^ (v >> c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x207: { // shr_s, shr_s, shr_u
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x >> a) ^ (w >> b) ^ (v >>> c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x208: { // shr_s, shr_s, rotl
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x >> a) ^ (w >> b) ^ ((v << c) | (v >>> (32 - c)));
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x209: { // shr_s, shr_s, rotr
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x >> a) ^ (w >> b) ^ ((v >>> c) | (v << (32 - c)));
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x20a: { // shr_u, shr_u, shl
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x >>> a) ^ (w >>> b) ^ (v << c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x20b: { // shr_u, shr_u, shr_s
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x >>> a) ^ (w >>> b) ^ (v >> c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x20c: { // shr_u, shr_u, shr_u
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x >>> a) ^ (w >>> b) ^ (v >>> c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x20d: { // shr_u, shr_u, rotl
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x >>> a) ^ (w >>> b) ^ ((v << c) | (v >>> (32 - c)));
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x20e: { // shr_u, shr_u, rotr
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = (x >>> a) ^ (w >>> b) ^ ((v >>> c) | (v << (32 - c)));
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x20f: { // rotl, rotl, shl
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = ((x << a) | (x >>> (32 - a))) ^ ((w << b) | (w >>> (32 - b))) ^
                (v << c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x210: { // rotl, rotl, shr_s
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = ((x << a) | (x >>> (32 - a))) ^ ((w << b) | (w >>> (32 - b))) ^
                (v >> c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x211: { // rotl, rotl, shr_u
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = ((x << a) | (x >>> (32 - a))) ^ ((w << b) | (w >>> (32 - b))) ^
                (v >>> c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x212: { // rotl, rotl, rotl
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = ((x << a) | (x >>> (32 - a))) ^ ((w << b) | (w >>> (32 - b))) ^
                ((v << c) | (v >>> (32 - c)));
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x213: { // rotl, rotl, rotr
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = ((x << a) | (x >>> (32 - a))) ^ ((w << b) | (w >>> (32 - b))) ^
                ((v >>> c) | (v << (32 - c)));
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x214: { // rotr, rotr, shl
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = ((x >>> a) | (x << (32 - a))) ^ ((w >>> b) | (w << (32 - b))) ^
                (v << c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x215: { // rotr, rotr, shr_s
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = ((x >>> a) | (x << (32 - a))) ^ ((w >>> b) | (w << (32 - b))) ^
                (v >> c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x216: { // rotr, rotr, shr_u
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = ((x >>> a) | (x << (32 - a))) ^ ((w >>> b) | (w << (32 - b))) ^
                (v >>> c);
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x217: { // rotr, rotr, rotl
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = ((x >>> a) | (x << (32 - a))) ^ ((w >>> b) | (w << (32 - b))) ^
                ((v << c) | (v >>> (32 - c)));
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x218: { // rotr, rotr, rotr
              const q = code[pc + 1], r = code[pc + 2];
              const x = I[fp + (q >>> 20)], a = (r >>> 16) & 31;
              const w = I[fp + ((q >>> 10) & 1023)], b = (r >>> 21) & 31;
              const v = I[fp + (r & 0xffff)], c = r >>> 26;
              const t = ((x >>> a) | (x << (32 - a))) ^ ((w >>> b) | (w << (32 - b))) ^
                ((v >>> c) | (v << (32 - c)));
              const y = code[pc + 3];
              I[fp + (q & 1023)] = y < 0 ? t : t + I[fp + y];
              pc += 4;
              break;
            }
            case 0x220: { // XSH: two or three in-place shift-xor steps (layout in _ops.ts)
              const d = fp + code[pc + 1], s = code[pc + 2];
              let v = I[d], a = s & 31;
              v ^= (s & 32) !== 0 ? v >>> a : v << a;
              a = (s >>> 6) & 31;
              v ^= (s & 2048) !== 0 ? v >>> a : v << a;
              if (s >= 262144) {
                a = (s >>> 12) & 31;
                v ^= (s & 131072) !== 0 ? v >>> a : v << a;
              }
              I[d] = v;
              pc += 3;
              break;
            }
            case 0x221: { // MAJ: ((b ^ c) & a) ^ (b & c)
              const q = code[pc + 1];
              const b = I[fp + (q >>> 20)], c = I[fp + code[pc + 2]];
              I[fp + (q & 1023)] = ((b ^ c) & I[fp + ((q >>> 10) & 1023)]) ^ (b & c);
              pc += 3;
              break;
            }
            case 0x228: { // ADD3
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] + I[fp + code[pc + 3]];
              I[fp + code[pc + 5]] = I[fp + code[pc + 6]] + I[fp + code[pc + 7]];
              I[fp + code[pc + 9]] = I[fp + code[pc + 10]] + I[fp + code[pc + 11]];
              pc += 12;
              break;
            }
            case 0x222: { // ADD2
              I[fp + code[pc + 1]] = I[fp + code[pc + 2]] + I[fp + code[pc + 3]];
              I[fp + code[pc + 5]] = I[fp + code[pc + 6]] + I[fp + code[pc + 7]];
              pc += 8;
              break;
            }
            case 0x224: { // STORE_ADDI: i32.store to (x + imm) + offset
              const a = ((I[fp + code[pc + 1]] + code[pc + 2]) >>> 0) + (code[pc + 4] >>> 0);
              if (a + 4 > memLen) trap("memory access out of bounds");
              if ((a & 3) === 0) M32[a >>> 2] = I[fp + code[pc + 3]];
              else dv.setInt32(a, I[fp + code[pc + 3]], true);
              pc += 5;
              break;
            }
            case 0x225: { // STORE8_ADDI: i32.store8 to (x + imm) + offset
              const a = ((I[fp + code[pc + 1]] + code[pc + 2]) >>> 0) + (code[pc + 4] >>> 0);
              if (a >= memLen) trap("memory access out of bounds");
              mem[a] = I[fp + code[pc + 3]];
              pc += 5;
              break;
            }
            case 0x226: { // LOAD_ADDI_ADD: y + i32.load from (x + imm) + offset
              const a = ((I[fp + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
              if (a + 4 > memLen) trap("memory access out of bounds");
              const v = (a & 3) === 0 ? M32[a >>> 2] : dv.getInt32(a, true);
              I[fp + code[pc + 1]] = v + I[fp + code[pc + 5]];
              pc += 6;
              break;
            }
            case 0x223: { // BSWAP
              const x = I[fp + code[pc + 2]];
              I[fp + code[pc + 1]] = x << 24 | (x & 0xff00) << 8 | (x >>> 8 & 0xff00) | x >>> 24;
              pc += 3;
              break;
            }

            default:
              throw new Error(`interpreter: bad op ${code[pc]} at ${pc}`);
          }
          continue;
        }
        const c = code[pc + 1];
        fuel -= c;
        blockPc = pc;
        pc += 3;
        if (fuel < 0) {
          // The chunk is used up: `run` refuels (see there).
          this.fuelLeft = fuel;
          this.pauseCost = c;
          this.pauseFp = fp;
          this.pauseDepth = depth;
          this.pauseBlock = blockPc;
          return pc;
        }
      }
    } catch (err) {
      this.depth = depth0;
      this.restoreStop();
      if (err instanceof WasmTrap && blockPc >= 0 && !inHost) this.chargeTrap(blockPc, pc, fuel);
      else if (!inHost && !(err instanceof FuelExhausted) && !(err instanceof InterpTimeout)) {
        this.fuelLeft = fuel;
      }
      throw err;
    }
  }
}

/**
 * A linear memory, shaped like `WebAssembly.Memory`: `buffer` is replaced by
 * a new ArrayBuffer whenever the memory grows.
 */
export class InterpMemory {
  #buf: ArrayBuffer;
  /** Maximum size in pages. */
  readonly maxPages: number;

  /** Growths so far (copying ones). */
  #grows = 0;

  /**
   * Creates a memory of `pages` pages that may grow to `maxPages`. Growth
   * copies into a new (fixed-size, fastest to access) buffer; after 8 growths
   * the memory moves to a resizable ArrayBuffer, where it grows in place, so a
   * guest that grows page by page does not cost quadratic copying.
   */
  constructor(pages: number, maxPages: number) {
    this.maxPages = maxPages;
    this.#buf = new ArrayBuffer(pages * PAGE);
  }

  /** The current contents (grows in place when resizable, else a new object after each growth). */
  get buffer(): ArrayBuffer {
    return this.#buf;
  }

  /** Grows by `delta` pages; returns the old size, or -1 when it cannot. */
  tryGrow(delta: number): number {
    const old = this.#buf.byteLength / PAGE;
    if (delta === 0) return old;
    if (old + delta > this.maxPages) return -1;
    const rab = this.#buf as ArrayBuffer & { resizable?: boolean; resize?(n: number): void };
    if (rab.resizable) {
      try {
        rab.resize!((old + delta) * PAGE);
        return old;
      } catch {
        return -1;
      }
    }
    let nb: ArrayBuffer | undefined;
    if (++this.#grows > 8) {
      try {
        nb = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(
          (old + delta) * PAGE,
          { maxByteLength: this.maxPages * PAGE },
        );
        if (!(nb as { resizable?: boolean }).resizable) nb = undefined;
      } catch {
        nb = undefined;
      }
    }
    try {
      nb ??= new ArrayBuffer((old + delta) * PAGE);
    } catch {
      return -1;
    }
    new Uint8Array(nb).set(new Uint8Array(this.#buf));
    this.#buf = nb;
    return old;
  }

  /** Like `WebAssembly.Memory.prototype.grow`: returns the old size, throws RangeError on failure. */
  grow(delta: number): number {
    const r = this.tryGrow(delta >>> 0);
    if (r < 0) throw new RangeError("WebAssembly.Memory.grow(): Maximum memory size exceeded");
    return r;
  }
}

/** Converts a JS value to a table element for type t. */
export function refTypeName(t: number): string {
  return t === FUNCREF ? "funcref" : t === EXTERNREF ? "externref" : "?";
}
