/**
 * Binary decoder for WebAssembly 2.0 core modules: sections, types, imports,
 * exports, globals, segments. Function bodies are only located here; they are
 * validated and translated by `_compile.ts`.
 *
 * @module
 */

import { WasmCompileError } from "./errors.ts";

/** Value types as their binary encoding. */
export const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
/** Reference types. */
export const FUNCREF = 0x70, EXTERNREF = 0x6f;

/** A function signature. */
export interface FuncType {
  params: number[];
  results: number[];
}

/** A constant expression (global initialisers, segment offsets, element items). */
export interface ConstExpr {
  /** Opcode: 0x41 i32, 0x42 i64, 0x43 f32, 0x44 f64, 0x23 global.get, 0xd0 ref.null, 0xd2 ref.func. */
  op: number;
  /** Low word (i32 value, float bits), global or function index. */
  lo: number;
  /** High word for i64/f64. */
  hi: number;
}

/** A table type. */
export interface TableType {
  elem: number;
  min: number;
  max?: number;
}

/** A memory type. */
export interface MemType {
  min: number;
  max?: number;
}

/** A global. */
export interface GlobalDef {
  type: number;
  mutable: boolean;
  init?: ConstExpr;
}

/** An import. */
export interface ImportDef {
  module: string;
  name: string;
  kind: "function" | "table" | "memory" | "global";
  index: number;
}

/** An export. */
export interface ExportDef {
  name: string;
  kind: "function" | "table" | "memory" | "global";
  index: number;
}

/** An element segment. mode: 0 active, 1 passive, 2 declarative. */
export interface ElemDef {
  mode: number;
  table: number;
  offset?: ConstExpr;
  type: number;
  items: ConstExpr[];
}

/** A data segment. mode: 0 active, 1 passive. */
export interface DataDef {
  mode: number;
  mem: number;
  offset?: ConstExpr;
  bytes: Uint8Array;
}

/** A function body as located in the binary. */
export interface CodeDef {
  /** Local types after the params (expanded). */
  locals: number[];
  /** Offset of the first instruction. */
  start: number;
  /** Offset just past the final `end`. */
  end: number;
}

/** A decoded module (before function bodies are compiled). */
export interface ModuleDef {
  bytes: Uint8Array;
  types: FuncType[];
  imports: ImportDef[];
  /** Type index of every function, imported first. */
  funcs: number[];
  numImportedFuncs: number;
  tables: TableType[];
  numImportedTables: number;
  memories: MemType[];
  numImportedMemories: number;
  globals: GlobalDef[];
  numImportedGlobals: number;
  exports: ExportDef[];
  start: number;
  elems: ElemDef[];
  datas: DataDef[];
  dataCount: number;
  codes: CodeDef[];
  /** Functions referenced outside function bodies (ref.func allowed on them). */
  declaredRefs: Set<number>;
}

const KINDS = ["function", "table", "memory", "global"] as const;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A byte reader with LEB128 helpers. */
export class Reader {
  pos: number;
  /** Creates a reader over `bytes` between `pos` and `end`. */
  constructor(readonly bytes: Uint8Array, pos: number, public end: number) {
    this.pos = pos;
  }
  /** Throws a compile error at the current position. */
  fail(msg: string): never {
    throw new WasmCompileError(`${msg} @+${this.pos}`);
  }
  /** One byte. */
  u8(): number {
    if (this.pos >= this.end) this.fail("unexpected end");
    return this.bytes[this.pos++];
  }
  /** Unsigned LEB128, up to 32 bits. */
  u32(): number {
    let result = 0, shift = 0, b;
    do {
      b = this.u8();
      if (shift === 28 && (b & 0x70) !== 0) this.fail("integer too large");
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (shift > 35) this.fail("integer representation too long");
    } while (b & 0x80);
    return result;
  }
  /** Signed LEB128, 32 bits (returns an int32). */
  s32(): number {
    let result = 0, shift = 0, b;
    do {
      b = this.u8();
      if (shift === 28) {
        const rest = b & 0x78;
        if ((b & 0x80) || (rest !== 0 && rest !== 0x78)) this.fail("integer too large");
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    if (shift < 32 && (b & 0x40)) result |= -1 << shift;
    return result | 0;
  }
  /** Signed LEB128, 64 bits, as [lo, hi] int32 words. */
  s64(): [number, number] {
    let lo = 0, hi = 0, shift = 0, b;
    do {
      b = this.u8();
      if (shift === 63) {
        if ((b & 0x80) || (b !== 0 && b !== 0x7f)) this.fail("integer too large");
      }
      const v = b & 0x7f;
      if (shift < 32) {
        lo |= v << shift;
        if (shift > 25) hi |= v >>> (32 - shift);
      } else hi |= v << (shift - 32);
      shift += 7;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40)) {
      if (shift < 32) {
        lo |= -1 << shift;
        hi = -1;
      } else hi |= -1 << (shift - 32);
    }
    return [lo | 0, hi | 0];
  }
  /** 4 raw bytes as an int32 (little endian). */
  word(): number {
    if (this.pos + 4 > this.end) this.fail("unexpected end");
    const b = this.bytes, p = this.pos;
    this.pos += 4;
    return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
  }
  /** A length-prefixed UTF-8 name. */
  name(): string {
    const n = this.u32();
    if (this.pos + n > this.end) this.fail("unexpected end");
    const s = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    try {
      return utf8.decode(s);
    } catch {
      return this.fail("malformed UTF-8 encoding");
    }
  }
}

function valType(r: Reader): number {
  const t = r.u8();
  if (t === I32 || t === I64 || t === F32 || t === F64 || t === FUNCREF || t === EXTERNREF) {
    return t;
  }
  if (t === V128) r.fail("SIMD (v128) is not supported");
  return r.fail(`invalid value type 0x${t.toString(16)}`);
}

function refType(r: Reader): number {
  const t = r.u8();
  if (t !== FUNCREF && t !== EXTERNREF) r.fail("malformed reference type");
  return t;
}

function limits(r: Reader, what: string): { min: number; max?: number } {
  const flag = r.u8();
  if (flag === 2 || flag === 3) r.fail(`shared ${what}s are not supported`);
  if (flag > 1) r.fail(flag >= 4 ? `64-bit ${what}s are not supported` : "malformed limits");
  const min = r.u32();
  const max = flag === 1 ? r.u32() : undefined;
  if (max !== undefined && max < min) r.fail("size minimum must not be greater than maximum");
  return { min, max };
}

function memType(r: Reader): MemType {
  const l = limits(r, "memory");
  if (l.min > 65536 || (l.max !== undefined && l.max > 65536)) {
    r.fail("memory size must be at most 65536 pages (4GiB)");
  }
  return l;
}

function globalType(r: Reader): { type: number; mutable: boolean } {
  const type = valType(r);
  const m = r.u8();
  if (m > 1) r.fail("malformed mutability");
  return { type, mutable: m === 1 };
}

/** Reads a constant expression and checks its type against `want`. */
function constExpr(r: Reader, m: ModuleDef, want: number): ConstExpr {
  const op = r.u8();
  let e: ConstExpr;
  let type: number;
  switch (op) {
    case 0x41:
      e = { op, lo: r.s32(), hi: 0 };
      type = I32;
      break;
    case 0x42: {
      const [lo, hi] = r.s64();
      e = { op, lo, hi };
      type = I64;
      break;
    }
    case 0x43:
      e = { op, lo: r.word(), hi: 0 };
      type = F32;
      break;
    case 0x44: {
      const lo = r.word();
      e = { op, lo, hi: r.word() };
      type = F64;
      break;
    }
    case 0x23: {
      const idx = r.u32();
      // Globals referenced in constant expressions must be imported (MVP rule,
      // relaxed in 2.0 to any immutable preceding global).
      if (idx >= m.globals.length) r.fail("unknown global");
      const g = m.globals[idx];
      if (g.mutable) r.fail("constant expression required");
      e = { op, lo: idx, hi: 0 };
      type = g.type;
      break;
    }
    case 0xd0:
      type = refType(r);
      e = { op, lo: type, hi: 0 };
      break;
    case 0xd2: {
      const idx = r.u32();
      if (idx >= m.funcs.length) r.fail("unknown function");
      m.declaredRefs.add(idx);
      e = { op, lo: idx, hi: 0 };
      type = FUNCREF;
      break;
    }
    default:
      return r.fail("constant expression required");
  }
  if (r.u8() !== 0x0b) r.fail("constant expression required");
  if (type !== want) r.fail("type mismatch in constant expression");
  return e;
}

/** Decodes a module's sections; throws {@linkcode WasmCompileError}. */
export function decodeModule(bytes: Uint8Array): ModuleDef {
  const r = new Reader(bytes, 0, bytes.length);
  if (bytes.length < 8 || r.word() !== 0x6d736100) r.fail("magic header not detected");
  if (r.word() !== 1) r.fail("unknown binary version");
  const m: ModuleDef = {
    bytes,
    types: [],
    imports: [],
    funcs: [],
    numImportedFuncs: 0,
    tables: [],
    numImportedTables: 0,
    memories: [],
    numImportedMemories: 0,
    globals: [],
    numImportedGlobals: 0,
    exports: [],
    start: -1,
    elems: [],
    datas: [],
    dataCount: -1,
    codes: [],
    declaredRefs: new Set(),
  };
  let lastId = 0;
  let numFuncDecls = -1;
  const order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11];
  while (r.pos < r.end) {
    const id = r.u8();
    const size = r.u32();
    const end = r.pos + size;
    if (end > r.end) r.fail("section out of bounds");
    if (id !== 0) {
      const rank = order.indexOf(id);
      if (rank < 0) r.fail(`malformed section id ${id}`);
      if (rank <= lastId) r.fail("unexpected section (duplicate or out of order)");
      lastId = rank;
    }
    const s = new Reader(bytes, r.pos, end);
    switch (id) {
      case 0:
        s.name();
        s.pos = end;
        break;
      case 1: {
        for (let n = s.u32(); n > 0; n--) {
          if (s.u8() !== 0x60) s.fail("malformed function type");
          const params: number[] = [], results: number[] = [];
          for (let k = s.u32(); k > 0; k--) params.push(valType(s));
          for (let k = s.u32(); k > 0; k--) results.push(valType(s));
          m.types.push({ params, results });
        }
        break;
      }
      case 2: {
        for (let n = s.u32(); n > 0; n--) {
          const module = s.name(), name = s.name();
          const kind = s.u8();
          if (kind > 3) s.fail("malformed import kind");
          let index = 0;
          if (kind === 0) {
            const t = s.u32();
            if (t >= m.types.length) s.fail("unknown type");
            index = m.funcs.length;
            m.funcs.push(t);
            m.numImportedFuncs++;
          } else if (kind === 1) {
            const elem = refType(s);
            index = m.tables.length;
            m.tables.push({ elem, ...limits(s, "table") });
            m.numImportedTables++;
          } else if (kind === 2) {
            index = m.memories.length;
            m.memories.push(memType(s));
            m.numImportedMemories++;
          } else {
            index = m.globals.length;
            m.globals.push(globalType(s));
            m.numImportedGlobals++;
          }
          m.imports.push({ module, name, kind: KINDS[kind], index });
        }
        break;
      }
      case 3: {
        numFuncDecls = s.u32();
        for (let n = numFuncDecls; n > 0; n--) {
          const t = s.u32();
          if (t >= m.types.length) s.fail("unknown type");
          m.funcs.push(t);
        }
        break;
      }
      case 4:
        for (let n = s.u32(); n > 0; n--) {
          const elem = refType(s);
          m.tables.push({ elem, ...limits(s, "table") });
        }
        break;
      case 5:
        for (let n = s.u32(); n > 0; n--) m.memories.push(memType(s));
        if (m.memories.length > 1) s.fail("multiple memories");
        break;
      case 6:
        for (let n = s.u32(); n > 0; n--) {
          const g = globalType(s);
          const init = constExpr(s, m, g.type);
          m.globals.push({ ...g, init });
        }
        break;
      case 7: {
        const seen = new Set<string>();
        for (let n = s.u32(); n > 0; n--) {
          const name = s.name();
          const kind = s.u8();
          if (kind > 3) s.fail("malformed export kind");
          const index = s.u32();
          const limit =
            [m.funcs.length, m.tables.length, m.memories.length, m.globals.length][kind];
          if (index >= limit) s.fail(`unknown ${KINDS[kind]} ${index}`);
          if (seen.has(name)) s.fail("duplicate export name");
          seen.add(name);
          if (kind === 0) m.declaredRefs.add(index);
          m.exports.push({ name, kind: KINDS[kind], index });
        }
        break;
      }
      case 8:
        m.start = s.u32();
        if (m.start >= m.funcs.length) s.fail("unknown function");
        {
          const t = m.types[m.funcs[m.start]];
          if (t.params.length || t.results.length) s.fail("start function must be [] -> []");
        }
        break;
      case 9:
        for (let n = s.u32(); n > 0; n--) m.elems.push(elemSegment(s, m));
        break;
      case 12:
        m.dataCount = s.u32();
        break;
      case 10: {
        const n = s.u32();
        if (n !== m.funcs.length - m.numImportedFuncs) {
          s.fail("function and code section have inconsistent lengths");
        }
        for (let i = 0; i < n; i++) {
          const size = s.u32();
          const bodyEnd = s.pos + size;
          if (bodyEnd > end) s.fail("function body out of bounds");
          const b = new Reader(bytes, s.pos, bodyEnd);
          const locals: number[] = [];
          let total = 0;
          for (let k = b.u32(); k > 0; k--) {
            const c = b.u32();
            total += c;
            if (total > 50000) b.fail("too many locals");
            const t = valType(b);
            for (let j = 0; j < c; j++) locals.push(t);
          }
          m.codes.push({ locals, start: b.pos, end: bodyEnd });
          s.pos = bodyEnd;
        }
        break;
      }
      case 11: {
        const n = s.u32();
        if (m.dataCount >= 0 && n !== m.dataCount) {
          s.fail("data count and data section have inconsistent lengths");
        }
        for (let i = 0; i < n; i++) {
          const flag = s.u32();
          let mem = 0, offset: ConstExpr | undefined, mode = 0;
          if (flag === 1) mode = 1;
          else if (flag === 0 || flag === 2) {
            if (flag === 2) mem = s.u32();
            if (mem >= m.memories.length) s.fail("unknown memory");
            offset = constExpr(s, m, I32);
          } else s.fail("malformed data segment flags");
          const len = s.u32();
          if (s.pos + len > end) s.fail("unexpected end of section or function");
          m.datas.push({ mode, mem, offset, bytes: bytes.subarray(s.pos, s.pos + len) });
          s.pos += len;
        }
        break;
      }
    }
    if (s.pos !== end) s.fail("section size mismatch");
    r.pos = end;
  }
  if (numFuncDecls > 0 && m.codes.length === 0) {
    r.fail("function and code section have inconsistent lengths");
  }
  if (m.dataCount < 0 && m.datas.length === 0) m.dataCount = -1;
  return m;
}

function elemSegment(s: Reader, m: ModuleDef): ElemDef {
  const flag = s.u32();
  if (flag > 7) s.fail("malformed elements segment kind");
  const passiveOrDecl = (flag & 1) !== 0;
  const explicitTable = (flag & 2) !== 0;
  const usesExprs = (flag & 4) !== 0;
  let mode = 0, table = 0, offset: ConstExpr | undefined;
  if (!passiveOrDecl) {
    if (explicitTable) table = s.u32();
    if (table >= m.tables.length) s.fail("unknown table");
    offset = constExpr(s, m, I32);
  } else mode = explicitTable ? 2 : 1;
  let type = FUNCREF;
  if (passiveOrDecl || explicitTable) {
    if (usesExprs) type = refType(s);
    else if (s.u8() !== 0) s.fail("malformed element kind");
  }
  const items: ConstExpr[] = [];
  for (let n = s.u32(); n > 0; n--) {
    if (usesExprs) items.push(constExpr(s, m, type));
    else {
      const idx = s.u32();
      if (idx >= m.funcs.length) s.fail("unknown function");
      m.declaredRefs.add(idx);
      items.push({ op: 0xd2, lo: idx, hi: 0 });
    }
  }
  if (mode === 0 && m.tables[table].elem !== type) s.fail("type mismatch");
  return { mode, table, offset, type, items };
}
