/**
 * Validates function bodies and translates them into the interpreter's
 * register-style code: every operand-stack entry has a fixed slot in the
 * frame (its height is static), `local.get`/`i32.const` are forwarded into
 * their consumers instead of copied, results of pure operations are written
 * straight into the local a following `local.set`/`local.tee` names, an i32
 * op whose result feeds the next i32 add/and/or/xor (or an `i32.load` address
 * computed by adding a constant) fuses with it into one op, and branch
 * targets are resolved to absolute code offsets.
 *
 * Fuel: straight-line runs of code ("fuel blocks") start with a FUEL op that
 * charges the number of wasm instructions the run contains. For each counted
 * instruction the fuel map records the code offset of the op that carries its
 * effect, so a run can be stopped at the exact instruction and a trap can be
 * charged exactly. See mod.ts for the unit.
 *
 * @module
 */

import {
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  type FuncType,
  I32,
  I64,
  type ModuleDef,
  Reader,
} from "./_decode.ts";
import { FUSE_OP1, FUSE_OP2, Misc, Op, opLength, PACK, pack3, packsDestination } from "./_ops.ts";
import { WasmCompileError } from "./errors.ts";

/** Compiled code for a whole module. */
export interface CompiledCode {
  code: Int32Array;
  /** Per fuel block: [count, pc0, pc1, ...]. */
  fuelMap: Int32Array;
  /** Entry pc per function (-1 for imports). */
  entry: Int32Array;
  /** Words of params (start of locals to zero). */
  paramWords: Int32Array;
  /** Words of params + locals. */
  localWords: Int32Array;
  /** Words the frame needs at most. */
  frameWords: Int32Array;
  /** Canonical signature id per type index. */
  typeIds: Int32Array;
}

const BOTTOM = 0; // unknown type in unreachable code

function is64(t: number): boolean {
  return t === I64 || t === F64;
}

// Numeric instruction signatures 0x45..0xc4: [in1, in2 (0 = unary), out].
const SIG_IN1 = new Uint8Array(256), SIG_IN2 = new Uint8Array(256), SIG_OUT = new Uint8Array(256);
function sig(from: number, to: number, a: number, b: number, r: number) {
  for (let o = from; o <= to; o++) {
    SIG_IN1[o] = a;
    SIG_IN2[o] = b;
    SIG_OUT[o] = r;
  }
}
sig(0x45, 0x45, I32, 0, I32);
sig(0x46, 0x4f, I32, I32, I32);
sig(0x50, 0x50, I64, 0, I32);
sig(0x51, 0x5a, I64, I64, I32);
sig(0x5b, 0x60, F32, F32, I32);
sig(0x61, 0x66, F64, F64, I32);
sig(0x67, 0x69, I32, 0, I32);
sig(0x6a, 0x78, I32, I32, I32);
sig(0x79, 0x7b, I64, 0, I64);
sig(0x7c, 0x8a, I64, I64, I64);
sig(0x8b, 0x91, F32, 0, F32);
sig(0x92, 0x98, F32, F32, F32);
sig(0x99, 0x9f, F64, 0, F64);
sig(0xa0, 0xa6, F64, F64, F64);
sig(0xa7, 0xa7, I64, 0, I32);
sig(0xa8, 0xa9, F32, 0, I32);
sig(0xaa, 0xab, F64, 0, I32);
sig(0xac, 0xad, I32, 0, I64);
sig(0xae, 0xaf, F32, 0, I64);
sig(0xb0, 0xb1, F64, 0, I64);
sig(0xb2, 0xb3, I32, 0, F32);
sig(0xb4, 0xb5, I64, 0, F32);
sig(0xb6, 0xb6, F64, 0, F32);
sig(0xb7, 0xb8, I32, 0, F64);
sig(0xb9, 0xba, I64, 0, F64);
sig(0xbb, 0xbb, F32, 0, F64);
sig(0xbc, 0xbc, F32, 0, I32);
sig(0xbd, 0xbd, F64, 0, I64);
sig(0xbe, 0xbe, I32, 0, F32);
sig(0xbf, 0xbf, I64, 0, F64);
sig(0xc0, 0xc1, I32, 0, I32);
sig(0xc2, 0xc4, I64, 0, I64);
// saturating truncations, internal 0xe0..0xe7
sig(0xe0, 0xe1, F32, 0, I32);
sig(0xe2, 0xe3, F64, 0, I32);
sig(0xe4, 0xe5, F32, 0, I64);
sig(0xe6, 0xe7, F64, 0, I64);

/**
 * LLVM's expansion of a 32-bit byte swap after `local.get x`/`local.tee x`, as
 * [opcode, immediate] (0x20 = local.get x again): x << 24, (x << 8) & 0xff0000,
 * or, (x >>> 8) & 0xff00, x >>> 24, or, or.
 */
const BSWAP_SEQ: [number, number][] = [
  [0x41, 24],
  [0x74, 0],
  [0x20, 0],
  [0x41, 8],
  [0x74, 0],
  [0x41, 0xff0000],
  [0x71, 0],
  [0x72, 0],
  [0x20, 0],
  [0x41, 8],
  [0x76, 0],
  [0x41, 0xff00],
  [0x71, 0],
  [0x20, 0],
  [0x41, 24],
  [0x76, 0],
  [0x72, 0],
  [0x72, 0],
];

/**
 * Ops an address add may move past (storeAddressAdd): computation, loads,
 * stores and moves, none of which refers to code positions, calls, branches
 * or pauses `exec`.
 */
function movesPast(op: number): boolean {
  return (op >= 0x28 && op <= 0x3e) || (op >= 0x45 && op <= 0xe7) ||
    (op >= Op.CMP_RI && op <= Op.ARITH_RI + 14) ||
    op === Op.COPY32 || op === Op.COPY64 || op === Op.CONST32 || op === Op.CONST64 ||
    op === Op.COPY32X2 || op === Op.COPY64X2 ||
    (op >= Op.FUSE_RI && op <= Op.LOAD_ADD) || // fused pairs, LOAD_ADDI, COPY32N, LOAD_ADD
    (op >= Op.DUAL && op < Op.TRIPLE + 25) ||
    (op >= Op.XSH && op <= Op.STORE8_ADDI);
}

/** Numeric ops that may trap (no immediate-operand form). */
function mayTrap(op: number): boolean {
  return (op >= 0x6d && op <= 0x70) || (op >= 0x7f && op <= 0x82) ||
    (op >= 0xa8 && op <= 0xab) || (op >= 0xae && op <= 0xb1);
}

// Loads 0x28..0x35 and stores 0x36..0x3e: [value type, natural alignment log2].
const MEM_TYPE = [I32, I64, F32, F64, I32, I32, I32, I32, I64, I64, I64, I64, I64, I64];
const MEM_ALIGN = [2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1, 2, 2];
const STORE_TYPE = [I32, I64, F32, F64, I32, I32, I64, I64, I64];
const STORE_ALIGN = [2, 3, 2, 3, 0, 1, 0, 1, 2];

interface Ctrl {
  /** 0 block, 1 loop, 2 if, 3 else, 4 function */
  kind: number;
  params: number[];
  results: number[];
  height: number;
  unreachable: boolean;
  /** Loop: pc of the loop header. */
  loopPc: number;
  /** Code positions to patch with the end pc. */
  fixups: number[];
  /** If: position of the false-branch target. */
  elseFixup: number;
  /** If: whether the if itself was reachable (the else branch is then live). */
  live?: boolean;
}

/** Compiles every function body of `m`. */
export function compileCode(m: ModuleDef): CompiledCode {
  const nf = m.funcs.length;
  const entry = new Int32Array(nf).fill(-1);
  const paramWords = new Int32Array(nf);
  const localWords = new Int32Array(nf);
  const frameWords = new Int32Array(nf);
  const typeIds = new Int32Array(m.types.length);
  const canon = new Map<string, number>();
  m.types.forEach((t, i) => {
    const key = t.params.join(",") + ":" + t.results.join(",");
    let id = canon.get(key);
    if (id === undefined) canon.set(key, id = canon.size);
    typeIds[i] = id;
  });
  const c = new Emitter(m, typeIds);
  for (let i = 0; i < nf; i++) {
    const t = m.types[m.funcs[i]];
    paramWords[i] = 2 * t.params.length;
    localWords[i] = 2 * t.params.length;
    frameWords[i] = 2 * Math.max(t.params.length, t.results.length) + 2;
  }
  for (let k = 0; k < m.codes.length; k++) {
    const f = m.numImportedFuncs + k;
    try {
      const r = c.compileFunction(f, m.codes[k]);
      entry[f] = r.entry;
      localWords[f] = r.localWords;
      frameWords[f] = r.frameWords;
    } catch (err) {
      if (err instanceof WasmCompileError) {
        throw new WasmCompileError(`function ${f}: ${err.message}`);
      }
      throw err;
    }
  }
  return {
    code: Int32Array.from(c.code),
    fuelMap: Int32Array.from(c.fuelMap),
    entry,
    paramWords,
    localWords,
    frameWords,
    typeIds,
  };
}

class Emitter {
  code: number[] = [];
  fuelMap: number[] = [];
  // per function state
  r!: Reader;
  types: number[] = []; // locals' types
  nLocals = 0;
  // abstract stack
  vt: number[] = []; // value type
  kind: number[] = []; // 0 slot, 1 local ref, 2 i32 const
  val: number[] = []; // local index or const value
  widx: number[] = []; // fuel-map index of the forwarding instruction
  maxHeight = 0;
  ctrls: Ctrl[] = [];
  dead = false;
  // fuel block state
  needFuel = true;
  blockPc = -1; // pc of the open FUEL op
  lastOpPc = -1;
  /** pc of the op emitted before the one at lastOpPc. */
  prevOpPc = -1;
  map: number[] = []; // pc per counted instruction (-1: no op, resolved at close)
  // fusion state
  lastPure = -1; // pc of last pure op whose dst (code[pc+1]) is the top slot
  lastPureEntry = -1;
  lastCmp = -1; // pc of last i32 compare/eqz whose dst is the top slot
  lastCmpEntry = -1;
  returnTypes: number[] = [];
  // Address adds (see storeAddressAdd): per stack entry, the pc of the
  // ARITH_RI add that computed it (-1: none), its source local (-1: a slot)
  // and that local's write count at the time.
  addPc: number[] = [];
  addSrc: number[] = [];
  addVer: number[] = [];
  /** Per local: local.set/local.tee so far in this function. */
  localWrites: number[] = [];

  constructor(readonly m: ModuleDef, readonly typeIds: Int32Array) {}

  fail(msg: string): never {
    return this.r.fail(msg);
  }

  compileFunction(f: number, body: { locals: number[]; start: number; end: number }) {
    const m = this.m;
    const t = m.types[m.funcs[f]];
    this.r = new Reader(m.bytes, body.start, body.end);
    this.types = [...t.params, ...body.locals];
    this.nLocals = this.types.length;
    this.localWrites = new Array(this.nLocals).fill(0);
    this.vt.length =
      this.kind.length =
      this.val.length =
      this.widx.length =
        0;
    this.maxHeight = 0;
    this.dead = false;
    this.needFuel = true;
    this.blockPc = -1;
    this.map = [];
    this.lastPure = this.lastCmp = -1;
    this.returnTypes = t.results;
    this.ctrls = [{
      kind: 4,
      params: [],
      results: t.results,
      height: 0,
      unreachable: false,
      loopPc: -1,
      fixups: [],
      elseFixup: -1,
    }];
    const entryPc = this.code.length;
    this.body();
    this.closeBlock();
    if (this.r.pos !== body.end) this.fail("operators remaining after end of function");
    return {
      entry: entryPc,
      localWords: 2 * this.nLocals,
      frameWords: 2 * (this.nLocals + this.maxHeight) + 4,
    };
  }

  // ---- fuel blocks ----
  closeBlock() {
    if (this.blockPc < 0) return;
    // Unmapped (pure) instructions at the end of the block resolve to the pc
    // after it, or to a final uncounted jump (the stop must still be reached).
    const lastOp = this.code[this.lastOpPc];
    const jumps = this.lastOpPc > this.blockPc &&
      (lastOp === Op.BR || lastOp === Op.COPY32N_BR || lastOp === Op.ADDI_COPY32N_BR ||
        lastOp === Op.RETURN ||
        lastOp === Op.BR_TABLE ||
        lastOp === Op.UNREACHABLE);
    const end = jumps ? this.lastOpPc : this.code.length;
    const off = this.fuelMap.length;
    this.fuelMap.push(this.map.length);
    for (const p of this.map) this.fuelMap.push(p < 0 ? end : p);
    this.code[this.blockPc + 1] = this.map.length;
    this.code[this.blockPc + 2] = off;
    this.blockPc = -1;
    this.map = [];
  }
  ensureBlock() {
    if (!this.needFuel) return;
    this.closeBlock();
    this.needFuel = false;
    this.blockPc = this.code.length;
    this.code.push(Op.FUEL, 0, 0);
    this.lastPure = this.lastCmp = -1;
  }
  /** Ends the current fuel block after the next emitted op. */
  endBlock() {
    this.needFuel = true;
  }
  /** Emits an op; returns its pc. */
  emit(...words: number[]): number {
    this.ensureBlock();
    const last = this.lastOpPc;
    const code = this.code;
    const moves = words[0] === Op.COPY32 ? this.trailingMoves() : null;
    if (moves !== null && moves.length >= 4) {
      // three or more 32-bit moves in a row: one COPY32N
      code.length = last;
      code.push(Op.COPY32N, moves.length / 2 + 1, ...moves, words[1], words[2]);
      this.lastPure = this.lastCmp = -1;
      return last;
    }
    if (
      (words[0] === Op.COPY32 || words[0] === Op.COPY64) && last > this.blockPc &&
      last === this.code.length - 3 && this.code[last] === words[0]
    ) {
      // two moves in a row (no label can sit between them): one dispatch
      this.code[last] = words[0] === Op.COPY32 ? Op.COPY32X2 : Op.COPY64X2;
      this.code.push(words[1], words[2]);
      this.lastPure = this.lastCmp = -1;
      return last;
    }
    const pc = this.code.length;
    if (pc !== last) this.prevOpPc = last; // (pc === last: an op re-emitted after fusion)
    this.lastOpPc = pc;
    for (const w of words) this.code.push(w);
    this.lastPure = this.lastCmp = -1;
    return pc;
  }
  /**
   * Emits a BR, merged with directly preceding 32-bit moves (a loop's
   * back-edge after its phi moves) into one COPY32N_BR. Returns the op's pc
   * and the position of its target operand.
   */
  emitBr(): [number, number] {
    this.ensureBlock();
    const code = this.code, last = this.lastOpPc;
    const moves = this.trailingMoves();
    const pp = this.prevOpPc;
    if (
      moves !== null && pp === last - 4 && pp > this.blockPc && code[pp] === Op.ARITH_RI
    ) {
      // the loop's counter step just before: one op for step, moves and branch
      const step = code.slice(pp + 1, pp + 4);
      code.length = pp;
      code.push(Op.ADDI_COPY32N_BR, ...step, moves.length / 2, ...moves, 0);
      this.remap(last, pp);
      this.lastOpPc = pp;
      this.prevOpPc = this.lastPure = this.lastCmp = -1;
      return [pp, code.length - 1];
    }
    if (moves !== null) {
      code.length = last;
      code.push(Op.COPY32N_BR, moves.length / 2, ...moves, 0);
      this.lastPure = this.lastCmp = -1;
      return [last, code.length - 1];
    }
    const pc = this.emit(Op.BR, 0);
    return [pc, pc + 1];
  }
  /**
   * The [dst, src] words of the open block's last op when it is a run of
   * 32-bit moves (COPY32, COPY32X2 or COPY32N) at the end of the code, else null.
   */
  trailingMoves(): number[] | null {
    const code = this.code, last = this.lastOpPc, op = code[last];
    if (last <= this.blockPc) return null;
    if (
      (op === Op.COPY32 && last === code.length - 3) ||
      (op === Op.COPY32X2 && last === code.length - 5)
    ) return code.slice(last + 1);
    if (op === Op.COPY32N && last + 2 + 2 * code[last + 1] === code.length) {
      return code.slice(last + 2);
    }
    return null;
  }
  /** Moves the block's instructions carried by the op at `from` to the op at `to` (after fusion). */
  remap(from: number, to: number) {
    const map = this.map;
    for (let j = 0; j < map.length; j++) if (map[j] === from) map[j] = to;
  }
  /** Counts the current wasm instruction as carried by the op at `pc`. */
  count(pc: number) {
    this.map.push(pc);
  }

  // ---- abstract stack ----
  get height() {
    return this.vt.length;
  }
  slotWord(i: number) {
    return 2 * (this.nLocals + i);
  }
  push(t: number): number {
    const i = this.vt.length;
    this.vt.push(t);
    this.kind.push(0);
    this.val.push(0);
    this.widx.push(-1);
    this.addPc[i] = -1;
    if (i + 1 > this.maxHeight) this.maxHeight = i + 1;
    return i;
  }
  /** Pops a value of type `want` (0 = any); returns its index or -1 in unreachable code. */
  pop(want: number): number {
    const ctrl = this.ctrls[this.ctrls.length - 1];
    if (this.vt.length === ctrl.height) {
      if (ctrl.unreachable) return -1;
      this.fail("type mismatch: not enough operands");
    }
    const i = this.vt.length - 1;
    const t = this.vt[i];
    if (want !== 0 && t !== want && t !== BOTTOM) {
      this.fail(`type mismatch: expected ${tname(want)}, got ${tname(t)}`);
    }
    this.vt.length =
      this.kind.length =
      this.val.length =
      this.widx.length =
        i;
    return i;
  }
  /** Location (word offset) of entry i, materializing constants. */
  loc(i: number, pc: number): number {
    if (this.kind[i] === 1) {
      if (this.widx[i] >= 0) this.map[this.widx[i]] = pc;
      return 2 * this.val[i];
    }
    return this.slotWord(i);
  }
  /** Makes entry i live in its own slot. */
  materialize(i: number) {
    const k = this.kind[i];
    if (k === 0) return;
    const dst = this.slotWord(i);
    let pc;
    if (k === 1) {
      pc = this.emit(is64(this.vt[i]) ? Op.COPY64 : Op.COPY32, dst, 2 * this.val[i]);
    } else pc = this.emit(Op.CONST32, dst, this.val[i]);
    if (this.widx[i] >= 0) this.map[this.widx[i]] = pc;
    this.kind[i] = 0;
  }
  /** Materializes constants among the given (already popped) entries. */
  matConst(i: number) {
    if (i >= 0 && this.kind[i] === 2) {
      // entry was popped; re-materialize at its slot
      const pc = this.emit(Op.CONST32, this.slotWord(i), this.val[i]);
      this.map[this.widx[i]] = pc;
      this.kind[i] = 0;
    }
  }
  materializeAll() {
    if (this.dead) return;
    for (let i = 0; i < this.vt.length; i++) this.materialize(i);
  }

  // popped entries keep their kind/val in these scratch arrays
  pk = [0, 0, 0];
  pv = [0, 0, 0];
  pw = [0, 0, 0];
  pt = [0, 0, 0];
  /** Pops into scratch position s. Returns stack index or -1. */
  popTo(s: number, want: number): number {
    const top = this.vt.length - 1;
    if (top >= 0 && top >= this.ctrls[this.ctrls.length - 1].height) {
      this.pk[s] = this.kind[top];
      this.pv[s] = this.val[top];
      this.pw[s] = this.widx[top];
      this.pt[s] = this.vt[top];
    }
    const i = this.pop(want);
    if (i < 0) {
      this.pt[s] = want;
      this.pk[s] = 0;
    }
    return i;
  }
  /** Location of popped scratch entry s at stack index i (materializes consts at slot i). */
  sloc(s: number, i: number, pcForMap: () => number): number {
    if (this.pk[s] === 1) {
      if (this.pw[s] >= 0) this.pendingMaps.push(this.pw[s]);
      return 2 * this.pv[s];
    }
    if (this.pk[s] === 2) {
      const pc = this.emit(Op.CONST32, this.slotWord(i), this.pv[s]);
      this.map[this.pw[s]] = pc;
      this.pk[s] = 0;
    }
    void pcForMap;
    return this.slotWord(i);
  }
  pendingMaps: number[] = [];
  /** Emits an op and resolves the forwarded operands' map entries to it; counts it. */
  emitOp(words: number[]): number {
    const pc = this.emit(...words);
    for (const w of this.pendingMaps) this.map[w] = pc;
    this.pendingMaps.length = 0;
    this.count(pc);
    return pc;
  }

  // ---- control ----
  blockType(): { params: number[]; results: number[] } {
    const b = this.r.bytes[this.r.pos];
    if (b === 0x40) {
      this.r.pos++;
      return { params: [], results: [] };
    }
    if (b === I32 || b === I64 || b === F32 || b === F64 || b === FUNCREF || b === EXTERNREF) {
      this.r.pos++;
      return { params: [], results: [b] };
    }
    const idx = this.r.s32();
    if (idx < 0 || idx >= this.m.types.length) this.fail("unknown type");
    return this.m.types[idx];
  }
  pushCtrl(kind: number, bt: { params: number[]; results: number[] }): Ctrl {
    // pop params (type check), then push them back
    const idx: number[] = [];
    for (let k = bt.params.length - 1; k >= 0; k--) idx.push(this.pop(bt.params[k]));
    for (const t of bt.params) this.push(t);
    const ctrl: Ctrl = {
      kind,
      params: bt.params,
      results: bt.results,
      height: this.vt.length - bt.params.length,
      unreachable: false,
      loopPc: -1,
      fixups: [],
      elseFixup: -1,
    };
    this.ctrls.push(ctrl);
    return ctrl;
  }
  labelTypes(ctrl: Ctrl): number[] {
    return ctrl.kind === 1 ? ctrl.params : ctrl.results;
  }
  setUnreachable() {
    const ctrl = this.ctrls[this.ctrls.length - 1];
    this.vt.length =
      this.kind.length =
      this.val.length =
      this.widx.length =
        ctrl.height;
    ctrl.unreachable = true;
    this.dead = true;
    this.endBlock();
  }
  /** Type-checks the label's values at the top of the stack without popping. */
  checkLabel(types: number[]) {
    const n = types.length;
    const ctrl = this.ctrls[this.ctrls.length - 1];
    for (let k = 0; k < n; k++) {
      const i = this.vt.length - n + k;
      if (i < ctrl.height) {
        if (!ctrl.unreachable) this.fail("type mismatch: not enough operands for branch");
        continue;
      }
      const t = this.vt[i];
      if (t !== types[k] && t !== BOTTOM) this.fail("type mismatch in branch");
    }
  }
  /** Emits the moves of a branch's values into the label's slots. */
  emitMoves(target: Ctrl, types: number[]) {
    const n = types.length;
    const from = this.vt.length - n;
    const to = target.height;
    if (from === to) return;
    for (let k = 0; k < n; k++) {
      this.emit(
        is64(types[k]) ? Op.COPY64 : Op.COPY32,
        this.slotWord(to + k),
        this.slotWord(from + k),
      );
    }
  }
  needsMoves(target: Ctrl, types: number[]): boolean {
    return types.length > 0 && this.vt.length - types.length !== target.height;
  }
  /** Records a branch target operand at code position `pos`. */
  target(ctrl: Ctrl, pos: number) {
    if (ctrl.kind === 1) this.code[pos] = ctrl.loopPc;
    else ctrl.fixups.push(pos);
  }
  labelAt(depth: number): Ctrl {
    if (depth >= this.ctrls.length) this.fail("unknown label");
    return this.ctrls[this.ctrls.length - 1 - depth];
  }

  emitReturn() {
    this.materializeAll();
    const types = this.returnTypes;
    const n = types.length;
    const from = this.vt.length - n;
    for (let k = 0; k < n; k++) {
      if (this.slotWord(from + k) !== 2 * k) {
        this.emit(is64(types[k]) ? Op.COPY64 : Op.COPY32, 2 * k, this.slotWord(from + k));
      }
    }
    return this.emit(Op.RETURN);
  }

  memarg(naturalAlign: number): number {
    const align = this.r.u32();
    if (this.m.memories.length === 0) this.fail("unknown memory 0");
    if (align > naturalAlign) this.fail("alignment must not be larger than natural");
    return this.r.u32();
  }

  localIdx(): number {
    const x = this.r.u32();
    if (x >= this.nLocals) this.fail(`unknown local ${x}`);
    return x;
  }

  /** Materializes stack entries that read local x (before x changes). */
  protectLocal(x: number) {
    for (let i = 0; i < this.vt.length; i++) {
      if (this.kind[i] === 1 && this.val[i] === x) this.materialize(i);
    }
  }
  refsLocal(x: number): boolean {
    for (let i = 0; i < this.vt.length; i++) {
      if (this.kind[i] === 1 && this.val[i] === x) return true;
    }
    return false;
  }

  body() {
    const r = this.r;
    const m = this.m;
    while (this.ctrls.length > 0) {
      if (r.pos >= r.end) this.fail("unexpected end of function body");
      const op = r.u8();
      const dead = this.dead;
      switch (op) {
        case 0x00: // unreachable
          if (!dead) this.count(this.emit(Op.UNREACHABLE));
          this.setUnreachable();
          break;
        case 0x01: // nop
          break;
        case 0x02: // block
        case 0x03: { // loop
          const bt = this.blockType();
          this.materializeAll();
          this.resetFusion();
          const ctrl = this.pushCtrl(op === 0x02 ? 0 : 1, bt);
          if (op === 0x03 && !dead) {
            this.needFuel = true;
            this.ensureBlock();
            ctrl.loopPc = this.blockPc;
          }
          break;
        }
        case 0x04: { // if
          const bt = this.blockType();
          const ci = this.popTo(0, I32);
          let pc = -1;
          if (!dead) {
            this.materializeAll();
            const a = this.sloc(0, ci, () => 0);
            pc = this.emitOp([Op.BR_UNLESS, a, 0]);
            this.endBlock();
          }
          this.resetFusion();
          const ctrl = this.pushCtrl(2, bt);
          ctrl.elseFixup = pc < 0 ? -1 : pc + 2;
          ctrl.live = !dead;
          break;
        }
        case 0x05: { // else
          const ctrl = this.ctrls[this.ctrls.length - 1];
          if (ctrl.kind !== 2) this.fail("else without if");
          this.materializeAll();
          this.endOfBody(ctrl);
          if (!this.dead) {
            ctrl.fixups.push(this.emitBr()[1]);
          }
          this.resetFusion();
          // restore the params
          this.vt.length =
            this.kind.length =
            this.val.length =
            this.widx.length =
              ctrl.height;
          for (const t of ctrl.params) this.push(t);
          if (ctrl.elseFixup >= 0) this.code[ctrl.elseFixup] = this.code.length;
          ctrl.elseFixup = -1;
          ctrl.kind = 3;
          ctrl.unreachable = false;
          this.dead = !ctrl.live;
          this.endBlock();
          break;
        }
        case 0x0b: { // end
          const ctrl = this.ctrls[this.ctrls.length - 1];
          this.materializeAll();
          this.endOfBody(ctrl);
          this.resetFusion();
          if (ctrl.kind === 2 && ctrl.params.join() !== ctrl.results.join()) {
            this.fail("type mismatch: if without else must leave its params");
          }
          if (ctrl.kind === 4) {
            if (!this.dead) this.emitReturn();
            this.ctrls.pop();
            break;
          }
          this.ctrls.pop();
          this.vt.length =
            this.kind.length =
            this.val.length =
            this.widx.length =
              ctrl.height;
          for (const t of ctrl.results) this.push(t);
          const targeted = ctrl.fixups.length > 0 || ctrl.elseFixup >= 0;
          for (const pos of ctrl.fixups) this.code[pos] = this.code.length;
          if (ctrl.elseFixup >= 0) this.code[ctrl.elseFixup] = this.code.length;
          if (targeted || this.dead) this.endBlock();
          this.dead = this.dead && !targeted;
          break;
        }
        case 0x0c: { // br
          const l = this.labelAt(r.u32());
          const types = this.labelTypes(l);
          this.checkLabel(types);
          if (!dead) {
            this.materializeAll();
            this.emitMoves(l, types);
            const [pc, tpos] = this.emitBr();
            this.target(l, tpos);
            this.count(pc);
          }
          this.setUnreachable();
          break;
        }
        case 0x0d: { // br_if
          const l = this.labelAt(r.u32());
          const top = this.vt.length - 1;
          const fuseCmp = !dead && this.lastCmp >= 0 && this.lastCmpEntry === top &&
            this.kind[top] === 0;
          const cmpPc = this.lastCmp;
          const ci = this.popTo(0, I32);
          const types = this.labelTypes(l);
          this.checkLabel(types);
          if (!dead) {
            this.materializeAll();
            if (this.needsMoves(l, types)) {
              const a = this.sloc(0, ci, () => 0);
              const skip = this.emitOp([Op.BR_UNLESS_PLAIN, a, 0]);
              this.emitMoves(l, types);
              this.target(l, this.emitBr()[1]);
              this.code[skip + 2] = this.code.length;
            } else if (fuseCmp && this.code.length === cmpPc + 4) {
              // [cmp dst a b] -> [BR_CMP a b target]
              const cop = this.code[cmpPc];
              const isRI = cop >= Op.CMP_RI && cop < Op.CMP_RI + 10;
              const base = isRI ? cop - Op.CMP_RI : cop - 0x46;
              this.code[cmpPc] = (isRI ? Op.BR_CMP_RI : Op.BR_CMP) + base;
              this.code[cmpPc + 1] = this.code[cmpPc + 2];
              this.code[cmpPc + 2] = this.code[cmpPc + 3];
              this.code[cmpPc + 3] = 0;
              const at = this.fuseIncrement(cmpPc);
              this.target(l, at + (at === cmpPc ? 3 : 5));
              this.count(at);
            } else if (fuseCmp && this.code.length === cmpPc + 3) {
              // [eqz dst a] -> [BR_EQZ a target]
              this.code[cmpPc] = Op.BR_EQZ;
              this.code[cmpPc + 1] = this.code[cmpPc + 2];
              this.code[cmpPc + 2] = 0;
              this.target(l, cmpPc + 2);
              this.count(cmpPc);
            } else {
              const a = this.sloc(0, ci, () => 0);
              const pc = this.emitOp([Op.BR_IF, a, 0]);
              const at = this.fuseIncrement(pc);
              this.target(l, at + (at === pc ? 2 : 5));
            }
            this.endBlock();
          }
          break;
        }
        case 0x0e: { // br_table
          const n = r.u32();
          if (n > 1_000_000) this.fail("br_table too large");
          const depths: number[] = [];
          for (let k = 0; k <= n; k++) depths.push(r.u32());
          const ci = this.popTo(0, I32);
          const def = this.labelAt(depths[n]);
          const arity = this.labelTypes(def).length;
          for (const d of depths) {
            const l = this.labelAt(d);
            const types = this.labelTypes(l);
            if (types.length !== arity) this.fail("type mismatch: br_table arity");
            this.checkLabel(types);
          }
          if (!dead) {
            this.materializeAll();
            const a = this.sloc(0, ci, () => 0);
            const pc = this.emitOp([Op.BR_TABLE, a, n, ...depths.map(() => 0)]);
            const stubs = new Map<number, number>();
            for (let k = 0; k <= n; k++) {
              const l = this.labelAt(depths[k]);
              const types = this.labelTypes(l);
              if (!this.needsMoves(l, types)) this.target(l, pc + 3 + k);
              else {
                let stub = stubs.get(depths[k]);
                if (stub === undefined) {
                  stub = this.code.length;
                  stubs.set(depths[k], stub);
                  this.emitMoves(l, types);
                  this.target(l, this.emitBr()[1]);
                }
                this.code[pc + 3 + k] = stub;
              }
            }
          }
          this.setUnreachable();
          break;
        }
        case 0x0f: // return
          this.checkLabel(this.returnTypes);
          if (!dead) this.count(this.emitReturn());
          this.setUnreachable();
          break;
        case 0x10: { // call
          const f = r.u32();
          if (f >= m.funcs.length) this.fail(`unknown function ${f}`);
          this.call(m.types[m.funcs[f]], Op.CALL, f, 0, dead);
          break;
        }
        case 0x11: { // call_indirect
          const ti = r.u32();
          const table = r.u32();
          if (ti >= m.types.length) this.fail("unknown type");
          if (table >= m.tables.length) this.fail("unknown table");
          if (m.tables[table].elem !== FUNCREF) this.fail("type mismatch: table is not funcref");
          this.call(m.types[ti], Op.CALL_INDIRECT, this.typeIds[ti], table, dead);
          break;
        }
        case 0x1a: { // drop
          const i = this.popTo(0, 0);
          if (!dead && i >= 0) {
            // no code; counted in the current block (resolves to its end)
            this.ensureBlock();
            this.count(-1);
          }
          break;
        }
        case 0x1b: // select
        case 0x1c: { // typed select
          let want = 0;
          if (op === 0x1c) {
            if (r.u32() !== 1) this.fail("invalid result arity");
            want = r.u8();
          }
          const ci = this.popTo(2, I32);
          const bi = this.popTo(1, want);
          const ai = this.popTo(0, want);
          let t = want;
          if (op === 0x1b) {
            const ta = ai < 0 ? BOTTOM : this.pt[0], tb = bi < 0 ? BOTTOM : this.pt[1];
            if (ta !== tb && ta !== BOTTOM && tb !== BOTTOM) this.fail("type mismatch in select");
            t = ta === BOTTOM ? tb : ta;
            if (t === FUNCREF || t === EXTERNREF) this.fail("type mismatch: select needs a type");
          }
          const d = this.push(t);
          if (!dead) {
            const a = this.sloc(0, ai, () => 0);
            const b = this.sloc(1, bi, () => 0);
            const cc = this.sloc(2, ci, () => 0);
            const pc = this.emitOp([
              is64(t) ? Op.SELECT64 : Op.SELECT32,
              this.slotWord(d),
              a,
              b,
              cc,
            ]);
            this.setPure(pc, d);
          }
          break;
        }
        case 0x20: { // local.get
          const x = this.localIdx();
          const i = this.push(this.types[x]);
          if (!dead) {
            this.kind[i] = 1;
            this.val[i] = x;
            this.ensureBlock();
            this.widx[i] = this.map.length;
            this.count(-1);
            if (this.types[x] === I32 && this.matchBswap(x)) this.emitBswap();
          }
          break;
        }
        case 0x21: // local.set
        case 0x22: { // local.tee
          const x = this.localIdx();
          const t = this.types[x];
          this.localWrites[x]++;
          const top = this.vt.length - 1;
          const fusable = !dead && this.lastPure >= 0 && this.lastPureEntry === top &&
            this.kind[top] === 0;
          const purePc = this.lastPure;
          const i = this.popTo(0, t);
          if (op === 0x22) this.push(t);
          if (dead) break;
          if (i >= 0 && this.pk[0] === 1 && this.pv[0] === x) {
            // local.get x; local.set x: no effect
            this.count(-1);
          } else if (fusable && !this.refsLocal(x) && this.retarget(purePc, 2 * x)) {
            this.count(this.lastPureNext);
            this.fuseShiftXor(purePc);
            this.fuseAdds(purePc);
          } else {
            this.protectLocal(x);
            if (this.pk[0] === 2) {
              const pc = this.emit(Op.CONST32, 2 * x, this.pv[0]);
              this.map[this.pw[0]] = pc;
              this.count(pc);
            } else {
              const src = this.sloc(0, i, () => 0);
              this.emitOp([is64(t) ? Op.COPY64 : Op.COPY32, 2 * x, src]);
            }
          }
          if (op === 0x22) {
            // the value now lives in local x
            this.kind[top] = 1;
            this.val[top] = x;
            this.widx[top] = -1;
            if (t === I32 && this.matchBswap(x)) this.emitBswap();
          }
          break;
        }
        case 0x23: { // global.get
          const g = r.u32();
          if (g >= m.globals.length) this.fail(`unknown global ${g}`);
          const t = m.globals[g].type;
          const d = this.push(t);
          if (!dead) {
            const pc = this.emitOp([is64(t) ? Op.GGET64 : Op.GGET32, this.slotWord(d), g]);
            this.setPure(pc, d);
          }
          break;
        }
        case 0x24: { // global.set
          const g = r.u32();
          if (g >= m.globals.length) this.fail(`unknown global ${g}`);
          const gd = m.globals[g];
          if (!gd.mutable) this.fail("global is immutable");
          const i = this.popTo(0, gd.type);
          if (!dead) {
            const s = this.sloc(0, i, () => 0);
            this.emitOp([is64(gd.type) ? Op.GSET64 : Op.GSET32, g, s]);
          }
          break;
        }
        case 0x25: // table.get
        case 0x26: { // table.set
          const t = r.u32();
          if (t >= m.tables.length) this.fail("unknown table");
          const et = m.tables[t].elem;
          if (op === 0x25) {
            const ii = this.popTo(0, I32);
            const d = this.push(et);
            if (!dead) {
              const a = this.sloc(0, ii, () => 0);
              this.emitOp([Op.MISC, Misc.TABLE_GET, t, this.slotWord(d), a]);
            }
          } else {
            const vi = this.popTo(1, et);
            const ii = this.popTo(0, I32);
            if (!dead) {
              const a = this.sloc(0, ii, () => 0);
              const v = this.sloc(1, vi, () => 0);
              this.emitOp([Op.MISC, Misc.TABLE_SET, t, a, v]);
            }
          }
          break;
        }
        case 0x3f: { // memory.size
          if (r.u8() !== 0) this.fail("zero byte expected");
          if (m.memories.length === 0) this.fail("unknown memory");
          const d = this.push(I32);
          if (!dead) this.emitOp([0x3f, this.slotWord(d)]);
          break;
        }
        case 0x40: { // memory.grow
          if (r.u8() !== 0) this.fail("zero byte expected");
          if (m.memories.length === 0) this.fail("unknown memory");
          const ni = this.popTo(0, I32);
          const d = this.push(I32);
          if (!dead) {
            const a = this.sloc(0, ni, () => 0);
            this.emitOp([Op.MISC, Misc.MEMORY_GROW, this.slotWord(d), a]);
          }
          break;
        }
        case 0x41: { // i32.const
          const v = r.s32();
          const i = this.push(I32);
          if (!dead) {
            this.kind[i] = 2;
            this.val[i] = v;
            this.ensureBlock();
            this.widx[i] = this.map.length;
            this.count(-1);
          }
          break;
        }
        case 0x42: { // i64.const
          const [lo, hi] = r.s64();
          this.constOp(I64, lo, hi, dead);
          break;
        }
        case 0x43:
          this.constOp(F32, r.word(), 0, dead);
          break;
        case 0x44: {
          const lo = r.word();
          this.constOp(F64, lo, r.word(), dead);
          break;
        }
        case 0xd0: { // ref.null
          const t = r.u8();
          if (t !== FUNCREF && t !== EXTERNREF) this.fail("malformed reference type");
          this.constOp(t, -1, 0, dead);
          break;
        }
        case 0xd1: { // ref.is_null
          const i = this.popTo(0, 0);
          const t = i < 0 ? FUNCREF : this.pt[0];
          if (t !== FUNCREF && t !== EXTERNREF && t !== BOTTOM) {
            this.fail("type mismatch: ref.is_null");
          }
          const d = this.push(I32);
          if (!dead) {
            const a = this.sloc(0, i, () => 0);
            const pc = this.emitOp([Op.CMP_RI, this.slotWord(d), a, -1]);
            this.setPure(pc, d);
          }
          break;
        }
        case 0xd2: { // ref.func
          const f = r.u32();
          if (f >= m.funcs.length) this.fail("unknown function");
          if (!m.declaredRefs.has(f)) this.fail("undeclared function reference");
          this.constOp(FUNCREF, f, 0, dead);
          break;
        }
        case 0xfc:
          this.prefixed(r.u32(), dead);
          break;
        default:
          if (op >= 0x28 && op <= 0x35) { // loads
            const off = this.memarg(MEM_ALIGN[op - 0x28]);
            const prev = this.lastPure, prevEntry = this.lastPureEntry;
            const ai = this.popTo(0, I32);
            const d = this.push(MEM_TYPE[op - 0x28]);
            if (
              !dead && op === 0x28 && ai >= 0 && ai === prevEntry && this.pk[0] === 0 &&
              prev >= 0 && !this.needFuel && this.code.length === prev + 4 &&
              (this.code[prev] === Op.ARITH_RI || this.code[prev] === 0x6a) &&
              this.code[prev + 1] === this.slotWord(ai)
            ) {
              // i32.add computed the address: one op
              const fop = this.code[prev] === 0x6a ? Op.LOAD_ADD : Op.LOAD_ADDI;
              const x = this.code[prev + 2], y = this.code[prev + 3];
              this.code.length = prev;
              this.setPure(this.emitOp([fop, this.slotWord(d), x, y, off | 0]), d);
            } else if (!dead) {
              const a = this.sloc(0, ai, () => 0);
              this.setPure(this.emitOp([op, this.slotWord(d), a, off | 0]), d);
            }
          } else if (op >= 0x36 && op <= 0x3e) { // stores
            const off = this.memarg(STORE_ALIGN[op - 0x36]);
            const vi = this.popTo(1, STORE_TYPE[op - 0x36]);
            const ai = this.popTo(0, I32);
            const add = !dead && (op === 0x36 || op === 0x3a) ? this.storeAddressAdd(ai) : -1;
            if (add >= 0) {
              const code = this.code, x = code[add + 2], imm = code[add + 3];
              const moved = this.removeOp(add, 4);
              const v = this.sloc(1, vi, () => 0);
              const pc = this.emitOp([
                op === 0x36 ? Op.STORE_ADDI : Op.STORE8_ADDI,
                x,
                imm,
                v,
                off | 0,
              ]);
              for (const j of moved) this.map[j] = pc;
            } else if (!dead) {
              const a = this.sloc(0, ai, () => 0);
              const v = this.sloc(1, vi, () => 0);
              this.emitOp([op, a, v, off | 0]);
            }
          } else if (op >= 0x45 && op <= 0xc4) {
            this.numeric(op, dead);
          } else {
            this.fail(`illegal opcode 0x${op.toString(16)}`);
          }
      }
    }
  }

  /**
   * For a store whose address (stack entry ai, just popped into scratch 0) an
   * ARITH_RI add computed earlier in this fuel block, with only plain
   * computation since (the stored value: no branch, call or op that pauses)
   * and its source local not written since: that add's pc, else -1. The
   * store then takes the add in (STORE_ADDI): loops that count a negative
   * index up to 0, as clang's loop strength reduction writes them, store to
   * `i + c` with c too large for the offset immediate. The add reads only its
   * source, which nothing between changed, so it may run at the store.
   */
  storeAddressAdd(ai: number): number {
    if (ai < 0 || this.pk[0] !== 0 || this.needFuel) return -1;
    const code = this.code, p = this.addPc[ai];
    if (p <= this.blockPc || code[p] !== Op.ARITH_RI || code[p + 1] !== this.slotWord(ai)) {
      return -1;
    }
    const src = this.addSrc[ai];
    if (src >= 0 && this.localWrites[src] !== this.addVer[ai]) return -1;
    for (let q = p + 4; q < code.length; q += opLength(code, q)) {
      if (!movesPast(code[q])) return -1;
    }
    return p;
  }

  /**
   * Removes the `len`-word op at `pc` from the open fuel block (nothing in it
   * after `pc` refers to code positions: see movesPast). Returns the indices
   * of the block's instructions that it carried (for the caller to map to
   * the op that takes its work); later map entries and pcs move down.
   */
  removeOp(pc: number, len: number): number[] {
    const carried: number[] = [];
    const map = this.map;
    for (let j = 0; j < map.length; j++) {
      if (map[j] === pc) carried.push(j);
      else if (map[j] > pc) map[j] -= len;
    }
    this.code.splice(pc, len);
    const moved = (q: number) => q > pc ? q - len : q === pc ? -1 : q;
    this.lastOpPc = moved(this.lastOpPc);
    this.prevOpPc = moved(this.prevOpPc);
    this.lastPure = moved(this.lastPure);
    this.lastCmp = moved(this.lastCmp);
    this.lastPureNext = moved(this.lastPureNext);
    for (let i = 0; i < this.vt.length; i++) this.addPc[i] = moved(this.addPc[i]);
    return carried;
  }

  /**
   * Whether the next instructions are LLVM's expansion of a 32-bit byte swap
   * of local x (just pushed by local.get/local.tee x):
   * `(v << 24 | (v << 8) & 0xff0000) | ((v >>> 8) & 0xff00 | v >>> 24)`. If
   * so, reads past them; else leaves the reader where it was.
   */
  matchBswap(x: number): boolean {
    const r = this.r, start = r.pos;
    try {
      for (const [op, imm] of BSWAP_SEQ) {
        if (r.u8() !== op) return this.rewind(start);
        if (op === 0x41 && r.s32() !== imm) return this.rewind(start);
        if (op === 0x20 && r.u32() !== x) return this.rewind(start);
      }
      return true;
    } catch (err) {
      // (a truncated body: the regular path reports it)
      if (!(err instanceof WasmCompileError)) throw err;
      return this.rewind(start);
    }
  }
  /** Puts the reader back at `pos` (a lookahead that did not match); false. */
  rewind(pos: number): false {
    this.r.pos = pos;
    return false;
  }

  /**
   * Replaces the top entry (local x, pushed before a matched byte-swap
   * sequence) by its byte swap: one BSWAP op carries the sequence's
   * instructions for fuel (none traps).
   */
  emitBswap() {
    const si = this.popTo(0, I32);
    const d = this.push(I32);
    const src = this.sloc(0, si, () => 0);
    const pc = this.emitOp([Op.BSWAP, this.slotWord(d), src]);
    for (let k = 1; k < BSWAP_SEQ.length; k++) this.count(pc);
    this.setPure(pc, d);
  }

  resetFusion() {
    this.lastPure = this.lastCmp = -1;
  }

  /**
   * Marks the op at pc (just emitted) as writing the top entry, so a following
   * local.set/tee can redirect its destination. The local.set is mapped to
   * the next op for fuel: stopping there lets the op (and a trap it raises)
   * happen first, and the local write itself is unobservable.
   */
  setPure(pc: number, entry: number) {
    this.lastPure = pc;
    this.lastPureEntry = entry;
    this.lastPureNext = this.code.length;
  }
  lastPureNext = -1;

  constOp(t: number, lo: number, hi: number, dead: boolean) {
    const d = this.push(t);
    if (dead) return;
    const pc = is64(t)
      ? this.emitOp([Op.CONST64, this.slotWord(d), lo, hi])
      : this.emitOp([Op.CONST32, this.slotWord(d), lo]);
    this.setPure(pc, d);
  }

  numeric(op: number, dead: boolean) {
    const in2 = SIG_IN2[op];
    if (in2 === 0) {
      const ai = this.popTo(0, SIG_IN1[op]);
      const d = this.push(SIG_OUT[op]);
      if (dead) return;
      const a = this.sloc(0, ai, () => 0);
      const pc = this.emitOp([op, this.slotWord(d), a]);
      this.setPure(pc, d);
      if (op === 0x45) {
        this.lastCmp = pc;
        this.lastCmpEntry = d;
      }
      return;
    }
    const prev = this.lastPure, prevEntry = this.lastPureEntry;
    const bi = this.popTo(1, in2);
    const ai = this.popTo(0, SIG_IN1[op]);
    const d = this.push(SIG_OUT[op]);
    if (dead) return;
    if (this.fusePair(op, ai, bi, d, prev, prevEntry)) return;
    let pc;
    const riBase = op >= 0x46 && op <= 0x4f
      ? Op.CMP_RI + op - 0x46
      : op >= 0x6a && op <= 0x78 && !mayTrap(op)
      ? Op.ARITH_RI + op - 0x6a
      : -1;
    if (riBase >= 0 && this.pk[1] === 2 && bi >= 0) {
      const a = this.sloc(0, ai, () => 0);
      this.map[this.pw[1]] = -1;
      this.pendingMaps.push(this.pw[1]);
      // x - c is x + (-c) (wrapping): the add, one of the most frequent ops,
      // and taken by the add fusions
      pc = op === 0x6b
        ? this.emitOp([Op.ARITH_RI, this.slotWord(d), a, -this.pv[1] | 0])
        : this.emitOp([riBase, this.slotWord(d), a, this.pv[1]]);
      if (op === 0x6a || op === 0x6b) {
        this.addPc[d] = pc;
        this.addSrc[d] = this.pk[0] === 1 ? this.pv[0] : -1;
        this.addVer[d] = this.pk[0] === 1 ? this.localWrites[this.pv[0]] : 0;
      }
    } else {
      const a = this.sloc(0, ai, () => 0);
      const b = this.sloc(1, bi, () => 0);
      pc = this.emitOp([op, this.slotWord(d), a, b]);
    }
    this.setPure(pc, d);
    if (op >= 0x46 && op <= 0x4f) {
      this.lastCmp = pc;
      this.lastCmpEntry = d;
    }
  }

  /**
   * Fuses the i32 binop `op` (in FUSE_OP2) with the op just emitted (pc
   * `prev`, in FUSE_OP1, plain or with an immediate) when that op computed
   * one of the operands into its stack slot: one FUSE_RI/FUSE_RR op instead
   * of two. Both instructions map to the fused op for fuel (neither traps).
   */
  fusePair(
    op: number,
    ai: number,
    bi: number,
    d: number,
    prev: number,
    prevEntry: number,
  ): boolean {
    const k2 = FUSE_OP2.indexOf(op);
    if (k2 < 0 || prev < 0 || ai < 0 || bi < 0 || this.needFuel) return false;
    const code = this.code;
    if (
      op === 0x6a && code.length === prev + 5 && prev > this.blockPc &&
      code[prev] === Op.LOAD_ADDI && code[prev + 1] === this.slotWord(prevEntry)
    ) return this.fuseLoadAdd(prev, ai, bi, d, prevEntry);
    if (
      op === 0x6a && code.length === prev + 4 && code[prev] >= Op.TRIPLE &&
      code[prev] < Op.TRIPLE + 25 && code[prev + 3] === -1 &&
      (code[prev + 1] & (PACK - 1)) === this.slotWord(prevEntry)
    ) {
      // i32.add of a TRIPLE's result: the TRIPLE adds the other operand
      const other = this.otherOperand(ai, bi, prevEntry);
      if (other < 0) return false;
      const dst = this.slotWord(d);
      if (dst >= PACK) return false;
      const y = this.sloc(other, other === 0 ? ai : bi, () => 0);
      code[prev + 1] = (code[prev + 1] & ~(PACK - 1)) | dst;
      code[prev + 3] = y;
      for (const w of this.pendingMaps) this.map[w] = prev;
      this.pendingMaps.length = 0;
      this.count(prev);
      this.setPure(prev, d);
      return true;
    }
    if (code.length !== prev + 4 || code[prev + 1] !== this.slotWord(prevEntry)) return false;
    const p = code[prev];
    const ri = p >= Op.ARITH_RI && p <= Op.ARITH_RI + 14;
    const k1 = FUSE_OP1.indexOf(ri ? p - Op.ARITH_RI + 0x6a : p);
    if (k1 < 0) return false;
    const other = this.otherOperand(ai, bi, prevEntry);
    if (other < 0) return false;
    const oi = other === 0 ? ai : bi;
    const yLoc = this.pk[other] === 1 ? 2 * this.pv[other] : this.slotWord(oi);
    const dst = this.slotWord(d), x = code[prev + 2], z = code[prev + 3];
    if (dst >= PACK || yLoc >= PACK || x >= PACK) return false;
    const y = this.sloc(other, oi, () => 0);
    const pp = this.prevOpPc;
    if (
      ri && k1 >= 6 && this.pk[other] === 0 && this.lastOpPc === prev && pp === prev - 4 &&
      pp > this.blockPc && code[pp] === p && code[pp + 1] === y && x !== y && code[pp + 2] < PACK
    ) {
      // y = (w op1 b) just before, same shift/rotate: one DUAL op for all three
      const w = code[pp + 2], b = code[pp + 3];
      code.length = pp;
      this.remap(prev, pp);
      const pc = this.emitOp([
        Op.DUAL + 4 * (k1 - 6) + k2,
        pack3(dst, w, x),
        (z & 31) | (b & 31) << 5,
      ]);
      this.prevOpPc = -1;
      this.setPure(pc, d);
      return true;
    }
    if (
      ri && k1 >= 6 && k2 === 3 && this.pk[other] === 0 && this.lastOpPc === prev &&
      pp === prev - 3 && pp > this.blockPc && code[pp] >= Op.DUAL && code[pp] < Op.DUAL + 20 &&
      (code[pp] - Op.DUAL) % 4 === 3 && (code[pp + 1] & (PACK - 1)) === y && x !== y &&
      x < 65536
    ) {
      // y = DUAL xor just before: three shifts/rotates xor-ed (SHA-2's sigma functions)
      const j = (code[pp] - Op.DUAL) >> 2;
      const regs = code[pp + 1], imms = code[pp + 2];
      code.length = pp;
      this.remap(prev, pp);
      const pc = this.emitOp([
        Op.TRIPLE + 5 * j + k1 - 6,
        (regs & ~(PACK - 1)) | dst,
        x | (imms & 31) << 16 | (imms >>> 5) << 21 | (z & 31) << 26,
        -1,
      ]);
      this.prevOpPc = -1;
      this.setPure(pc, d);
      return true;
    }
    if (
      !ri && k1 === 3 && k2 === 3 && this.pk[other] === 0 && this.lastOpPc === prev &&
      pp === prev - 3 && pp > this.blockPc && code[pp] === Op.FUSE_RR + 4 * 5 + 1 &&
      (code[pp + 1] & (PACK - 1)) === y && x !== y && z !== y &&
      ((code[pp + 1] >>> 20 === x && code[pp + 2] === z) ||
        (code[pp + 1] >>> 20 === z && code[pp + 2] === x))
    ) {
      // (b & c) ^ y with y = (b ^ c) & a just before: the majority function
      const a = (code[pp + 1] >>> 10) & (PACK - 1);
      code.length = pp;
      this.remap(prev, pp);
      const pc = this.emitOp([Op.MAJ, pack3(dst, a, x), z]);
      this.prevOpPc = -1;
      this.setPure(pc, d);
      return true;
    }
    code.length = prev;
    const pc = this.emitOp([(ri ? Op.FUSE_RI : Op.FUSE_RR) + 4 * k1 + k2, pack3(dst, y, x), z]);
    this.setPure(pc, d);
    return true;
  }

  /**
   * i32.add of the result of the LOAD_ADDI just emitted at `prev` (`sum +=
   * a[i]`): one LOAD_ADDI_ADD. The load may trap and the add comes after it,
   * so the add (and a forwarded operand) map to the op after the fused one
   * for fuel: stopping there lets the load (and its trap) happen first, and a
   * trap charges only up to the load; the add's register write is
   * unobservable when the run stops.
   */
  fuseLoadAdd(prev: number, ai: number, bi: number, d: number, prevEntry: number): boolean {
    const other = this.otherOperand(ai, bi, prevEntry);
    if (other < 0) return false;
    const code = this.code;
    // (no constant operand here: otherOperand refuses those)
    const y = this.sloc(other, other === 0 ? ai : bi, () => 0);
    const dst = this.slotWord(d), x = code[prev + 2], imm = code[prev + 3], off = code[prev + 4];
    code.length = prev;
    const pc = this.emit(Op.LOAD_ADDI_ADD, dst, x, imm, off, y);
    for (const w of this.pendingMaps) this.map[w] = code.length;
    this.pendingMaps.length = 0;
    this.count(code.length);
    this.setPure(pc, d);
    return true;
  }

  /**
   * Which operand of a binop (0 left, 1 right) is not the entry `fused`
   * that the previous op computed, when the fused one is a stack slot and the
   * other is not a constant; -1 when the pair cannot fuse.
   */
  otherOperand(ai: number, bi: number, fused: number): number {
    if (bi === fused && this.pk[1] === 0 && this.pk[0] !== 2) return 0;
    if (ai === fused && this.pk[0] === 0 && this.pk[1] !== 2) return 1;
    return -1;
  }

  /**
   * In-place shift-xor step (`v = (v shl|shr_u a) xor v`, a FUSE_RI op just
   * retargeted to its local at `pc`) right after another one, or after an
   * XSH with two steps, on the same register: one XSH op. None of them traps,
   * so their instructions (and the local.set between) all map to the XSH.
   */
  fuseShiftXor(pc: number) {
    const code = this.code, pp = this.prevOpPc;
    const step = (p: number): number => {
      const k = code[p] - Op.FUSE_RI;
      if (k !== 4 * 6 + 3 && k !== 4 * 8 + 3) return -1;
      const q = code[p + 1], r = q & (PACK - 1);
      if ((q >>> 10 & (PACK - 1)) !== r || q >>> 20 !== r) return -1;
      return (code[p + 2] & 31) | (k === 4 * 8 + 3 ? 32 : 0);
    };
    if (
      this.lastOpPc !== pc || pp !== pc - 3 || pp <= this.blockPc || code.length !== pc + 3
    ) return;
    const s2 = step(pc);
    if (s2 < 0) return;
    const reg = code[pc + 1] & (PACK - 1);
    let steps;
    if (code[pp] === Op.XSH) {
      if (code[pp + 1] !== reg || code[pp + 2] >= 1 << 18) return;
      steps = code[pp + 2] | s2 << 12 | 1 << 18;
    } else {
      const s1 = step(pp);
      if (s1 < 0 || (code[pp + 1] & (PACK - 1)) !== reg) return;
      steps = s1 | s2 << 6;
    }
    code.length = pp;
    code.push(Op.XSH, reg, steps);
    this.remap(pc, pp);
    this.remap(pc + 3, pc); // the local.set: carried by the op after the XSH
    this.lastOpPc = pp;
    this.prevOpPc = this.lastPure = -1;
  }

  /**
   * An i32.add just retargeted to its local at `pc`, right after another
   * i32.add or an ADD2 in the same block: one ADD2 or ADD3 op (none traps;
   * their instructions and the local.sets between map to it).
   */
  fuseAdds(pc: number) {
    const code = this.code, pp = this.prevOpPc;
    if (
      this.lastOpPc !== pc || pp <= this.blockPc || code.length !== pc + 4 || code[pc] !== 0x6a
    ) return;
    if (pp === pc - 4 && code[pp] === 0x6a) code[pp] = Op.ADD2;
    else if (pp === pc - 8 && code[pp] === Op.ADD2) code[pp] = Op.ADD3;
    else return;
    this.remap(pc, pp);
    this.lastOpPc = pp;
    this.prevOpPc = this.lastPure = -1;
  }

  /**
   * Redirects the destination of the pure op at `pc` to word `w` (a local).
   * False when the op packs its registers and `w` does not fit.
   */
  retarget(pc: number, w: number): boolean {
    const op = this.code[pc];
    if (packsDestination(op)) {
      if (w >= PACK) return false;
      this.code[pc + 1] = (this.code[pc + 1] & ~(PACK - 1)) | w;
      return true;
    }
    this.code[pc + 1] = w;
    return true;
  }

  /**
   * [BR_CMP(_RI) a b target] or [BR_IF a target] at `cmpPc` right after
   * [i32.add-immediate a src imm] (a loop counter's step and test): fuses them into one
   * ADDI_BR_CMP(_RI) op at the add's pc and returns that pc (else `cmpPc`).
   * Fuel-map entries of the compare move to the fused op.
   */
  fuseIncrement(cmpPc: number): number {
    const code = this.code, ap = this.prevOpPc;
    if (
      ap !== cmpPc - 4 || ap <= this.blockPc || this.lastOpPc !== cmpPc ||
      code[ap] !== Op.ARITH_RI || code[ap + 1] !== code[cmpPc + 1]
    ) return cmpPc;
    const op = code[cmpPc];
    // BR_IF x is BR_CMP_RI ne x 0
    const fop = op === Op.BR_IF
      ? Op.ADDI_BR_CMP_RI + 1
      : op >= Op.BR_CMP_RI
      ? Op.ADDI_BR_CMP_RI + op - Op.BR_CMP_RI
      : Op.ADDI_BR_CMP + op - Op.BR_CMP;
    const dst = code[ap + 1], src = code[ap + 2], imm = code[ap + 3];
    const b = op === Op.BR_IF ? 0 : code[cmpPc + 2];
    code.length = ap;
    // A 32-bit move right before the add (same block) joins it: MOV_ADDI_BR_NE.
    let mp = -1;
    if (fop === Op.ADDI_BR_CMP_RI + 1) {
      for (let p = this.blockPc + 3; p < ap; p += opLength(code, p)) mp = p;
      if (mp < 0 || mp !== ap - 3 || code[mp] !== Op.COPY32) mp = -1;
    }
    if (mp >= 0) {
      const mdst = code[mp + 1], msrc = code[mp + 2];
      code.length = mp;
      code.push(Op.MOV_ADDI_BR_NE, dst, src, imm, b, 0, mdst, msrc);
      this.lastOpPc = mp;
      this.prevOpPc = -1;
    } else {
      code.push(fop, dst, src, imm, b, 0);
      this.lastOpPc = ap;
    }
    const at = mp >= 0 ? mp : ap;
    this.remap(cmpPc, at);
    this.remap(ap, at);
    return at;
  }

  call(t: FuncType, opc: number, a: number, b: number, dead: boolean) {
    let ii = -1;
    if (opc === Op.CALL_INDIRECT) ii = this.popTo(0, I32);
    const n = t.params.length;
    const base = this.vt.length - n;
    if (!dead) {
      this.materializeAll();
      const argBase = this.slotWord(base);
      if (opc === Op.CALL) this.emitOp([Op.CALL, a, argBase]);
      else {
        const idx = this.sloc(0, ii, () => 0);
        this.emitOp([Op.CALL_INDIRECT, a, b, idx, argBase]);
      }
      this.endBlock();
      const need = base + Math.max(n, t.results.length) + 1;
      if (need > this.maxHeight) this.maxHeight = need;
    }
    for (let k = n - 1; k >= 0; k--) this.pop(t.params[k]);
    for (const rt of t.results) this.push(rt);
  }

  prefixed(sub: number, dead: boolean) {
    const r = this.r;
    const m = this.m;
    if (sub <= 7) {
      this.numeric(0xe0 + sub, dead);
      return;
    }
    const needData = (idx: number) => {
      if (m.dataCount < 0) this.fail("data count section required");
      if (idx >= m.dataCount) this.fail(`unknown data segment ${idx}`);
    };
    const needMem = () => {
      if (m.memories.length === 0) this.fail("unknown memory 0");
    };
    const needElem = (idx: number) => {
      if (idx >= m.elems.length) this.fail(`unknown elem segment ${idx}`);
    };
    const needTable = (idx: number) => {
      if (idx >= m.tables.length) this.fail(`unknown table ${idx}`);
    };
    const pops = (types: number[]): number[] => {
      // pops in reverse, returns locations (in order) after emission-safe materialization
      const idx: number[] = [];
      for (let k = types.length - 1; k >= 0; k--) idx[k] = this.popTo(k, types[k]);
      if (dead) return [];
      const locs: number[] = [];
      for (let k = 0; k < types.length; k++) locs.push(this.sloc(k, idx[k], () => 0));
      return locs;
    };
    switch (sub) {
      case 8: { // memory.init
        const seg = r.u32();
        needData(seg);
        if (r.u8() !== 0) this.fail("zero byte expected");
        needMem();
        const l = pops([I32, I32, I32]);
        if (!dead) this.emitOp([Op.MISC, Misc.MEMORY_INIT, seg, ...l]);
        break;
      }
      case 9: { // data.drop
        const seg = r.u32();
        needData(seg);
        if (!dead) this.emitOp([Op.MISC, Misc.DATA_DROP, seg]);
        break;
      }
      case 10: { // memory.copy
        if (r.u8() !== 0 || r.u8() !== 0) this.fail("zero byte expected");
        needMem();
        const l = pops([I32, I32, I32]);
        if (!dead) this.emitOp([Op.MISC, Misc.MEMORY_COPY, ...l]);
        break;
      }
      case 11: { // memory.fill
        if (r.u8() !== 0) this.fail("zero byte expected");
        needMem();
        const l = pops([I32, I32, I32]);
        if (!dead) this.emitOp([Op.MISC, Misc.MEMORY_FILL, ...l]);
        break;
      }
      case 12: { // table.init
        const seg = r.u32();
        const t = r.u32();
        needElem(seg);
        needTable(t);
        if (m.tables[t].elem !== m.elems[seg].type) this.fail("type mismatch");
        const l = pops([I32, I32, I32]);
        if (!dead) this.emitOp([Op.MISC, Misc.TABLE_INIT, t, seg, ...l]);
        break;
      }
      case 13: { // elem.drop
        const seg = r.u32();
        needElem(seg);
        if (!dead) this.emitOp([Op.MISC, Misc.ELEM_DROP, seg]);
        break;
      }
      case 14: { // table.copy
        const td = r.u32();
        const ts = r.u32();
        needTable(td);
        needTable(ts);
        if (m.tables[td].elem !== m.tables[ts].elem) this.fail("type mismatch");
        const l = pops([I32, I32, I32]);
        if (!dead) this.emitOp([Op.MISC, Misc.TABLE_COPY, td, ts, ...l]);
        break;
      }
      case 15: { // table.grow
        const t = r.u32();
        needTable(t);
        const l = pops([m.tables[t].elem, I32]);
        const d = this.push(I32);
        if (!dead) this.emitOp([Op.MISC, Misc.TABLE_GROW, t, this.slotWord(d), ...l]);
        break;
      }
      case 16: { // table.size
        const t = r.u32();
        needTable(t);
        const d = this.push(I32);
        if (!dead) this.emitOp([Op.MISC, Misc.TABLE_SIZE, t, this.slotWord(d)]);
        break;
      }
      case 17: { // table.fill
        const t = r.u32();
        needTable(t);
        const l = pops([I32, m.tables[t].elem, I32]);
        if (!dead) this.emitOp([Op.MISC, Misc.TABLE_FILL, t, ...l]);
        break;
      }
      default:
        this.fail(`illegal opcode 0xfc ${sub}`);
    }
  }

  /** At else/end: checks the block's results are exactly on the stack. */
  endOfBody(ctrl: Ctrl) {
    const n = ctrl.results.length;
    for (let k = n - 1; k >= 0; k--) this.pop(ctrl.results[k]);
    if (this.vt.length !== ctrl.height) this.fail("type mismatch: values remaining on stack");
    for (const t of ctrl.results) this.push(t);
  }
}

function tname(t: number): string {
  return ({
    [I32]: "i32",
    [I64]: "i64",
    [F32]: "f32",
    [F64]: "f64",
    [FUNCREF]: "funcref",
  } as Record<number, string>)[t] ?? (t === EXTERNREF ? "externref" : "unknown");
}
