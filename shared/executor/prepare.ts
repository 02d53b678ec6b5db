/**
 * Module preparation before anything compiles: a structural read of the
 * binary (header, section bounds, imports, memories), the limit checks, and a
 * binary rewrite that sets every memory's declared maximum to the job's
 * memory limit so that `memory.grow` fails at the limit inside the engine.
 *
 * @module
 */

import { PhaseError } from "../errors.ts";
import { WASI_FUNCTIONS } from "./_wasi_constants.ts";

/** Bytes in one WebAssembly page. */
export const PAGE_BYTES = 65536;

/** The import namespace of WASI preview1. */
export const WASI_MODULE = "wasi_snapshot_preview1";

/** One import of a module. */
export interface ImportEntry {
  module: string;
  name: string;
  kind: "function" | "table" | "memory" | "global" | "tag";
}

/** Limits of one memory, in pages. */
export interface MemoryLimits {
  min: number;
  max?: number;
  shared: boolean;
  memory64: boolean;
  /** Set when the memory is imported. */
  import?: { module: string; name: string };
}

/** What {@linkcode inspectModule} learnt about a module. */
export interface ModuleInfo {
  imports: ImportEntry[];
  memories: MemoryLimits[];
  exports: { name: string; kind: string }[];
}

/** Options of {@linkcode prepareModule}. */
export interface PrepareOptions {
  /** Memory limit in pages (default 4096 = 256 MiB; at most 65536). */
  maxMemoryPages?: number;
  /** Largest accepted module in bytes (default 64 MiB). */
  maxModuleBytes?: number;
}

/** A module ready to compile. */
export interface PreparedModule {
  /** The rewritten bytes (identical to the input when nothing changed). */
  bytes: Uint8Array;
  info: ModuleInfo;
  /** The module's memory (after the rewrite), if it has one. */
  memory?: MemoryLimits;
}

/** Default memory limit: 256 MiB. */
export const DEFAULT_MAX_MEMORY_PAGES = 4096;
/** Default module size limit: 64 MiB. */
export const DEFAULT_MAX_MODULE_BYTES = 64 * 1024 * 1024;

const KINDS = ["function", "table", "memory", "global", "tag"] as const;

/** An error from preparation; `code` is the job status it maps to. */
export class PrepareError extends PhaseError {
  /** Creates the error. `code` is `invalid_module`, `memory_limit` or `unsupported_import`. */
  constructor(
    code: "invalid_module" | "memory_limit" | "unsupported_import",
    message: string,
  ) {
    super(code, message);
    this.name = "PrepareError";
  }
}

class Reader {
  pos: number;
  constructor(readonly bytes: Uint8Array, pos = 0, readonly end = bytes.length) {
    this.pos = pos;
  }
  byte(): number {
    if (this.pos >= this.end) throw invalid(`unexpected end at offset ${this.pos}`);
    return this.bytes[this.pos++];
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw invalid(`LEB128 too large at offset ${this.pos}`);
        return result;
      }
      shift += 7;
    }
    throw invalid(`LEB128 too long at offset ${this.pos}`);
  }
  u64(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw invalid(`LEB128 too long at offset ${this.pos}`);
  }
  name(): string {
    const len = this.u32();
    if (this.pos + len > this.end) throw invalid(`name past end at offset ${this.pos}`);
    const s = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    try {
      return s.decode(this.bytes.subarray(this.pos, this.pos += len));
    } catch {
      throw invalid(`malformed UTF-8 name at offset ${this.pos}`);
    }
  }
  limits(): MemoryLimits {
    const flags = this.byte();
    if (flags > 7) throw invalid(`bad memory limits flags 0x${flags.toString(16)}`);
    const memory64 = (flags & 4) !== 0;
    const min = memory64 ? this.u64() : this.u32();
    const max = flags & 1 ? (memory64 ? this.u64() : this.u32()) : undefined;
    return { min, max, shared: (flags & 2) !== 0, memory64 };
  }
  tableLimits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

function invalid(message: string): PrepareError {
  return new PrepareError("invalid_module", message);
}

interface Section {
  id: number;
  start: number;
  end: number;
  headerStart: number;
}

function sections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8) throw invalid("too short to be a WebAssembly module");
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw invalid("bad magic number (not a WebAssembly module)");
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw invalid("unsupported binary version (components are not supported)");
  }
  const r = new Reader(bytes, 8);
  const out: Section[] = [];
  while (r.pos < bytes.length) {
    const headerStart = r.pos;
    const id = r.byte();
    const size = r.u32();
    if (r.pos + size > bytes.length) throw invalid(`section ${id} runs past the end`);
    out.push({ id, start: r.pos, end: r.pos + size, headerStart });
    r.pos += size;
  }
  return out;
}

/** Reads the imports, memories and exports of a module (throws {@linkcode PrepareError}). */
export function inspectModule(bytes: Uint8Array): ModuleInfo {
  const info: ModuleInfo = { imports: [], memories: [], exports: [] };
  for (const s of sections(bytes)) {
    const r = new Reader(bytes, s.start, s.end);
    if (s.id === 2) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const module = r.name();
        const name = r.name();
        const kindByte = r.byte();
        const kind = KINDS[kindByte];
        if (kind === undefined) throw invalid(`bad import kind ${kindByte}`);
        info.imports.push({ module, name, kind });
        if (kind === "function") r.u32();
        else if (kind === "table") {
          r.byte();
          r.tableLimits();
        } else if (kind === "memory") {
          info.memories.push({ ...r.limits(), import: { module, name } });
        } else if (kind === "global") {
          r.byte();
          r.byte();
        } else {
          r.byte();
          r.u32();
        }
      }
    } else if (s.id === 5) {
      const count = r.u32();
      for (let i = 0; i < count; i++) info.memories.push(r.limits());
    } else if (s.id === 7) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const name = r.name();
        const kind = KINDS[r.byte()] ?? "unknown";
        r.u32();
        info.exports.push({ name, kind });
      }
    }
  }
  return info;
}

/** The first import this executor cannot provide, as `module.name`, or undefined. */
export function findUnsupportedImport(info: ModuleInfo): string | undefined {
  const wasi = new Set(WASI_FUNCTIONS);
  for (const imp of info.imports) {
    if (imp.kind === "memory") continue;
    if (imp.module === WASI_MODULE && imp.kind === "function" && wasi.has(imp.name)) continue;
    return `${imp.module}.${imp.name}`;
  }
  return undefined;
}

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
  return out;
}

function encodeLimits(min: number, max: number): number[] {
  return [0x01, ...leb(min), ...leb(max)];
}

/**
 * Checks a module against the limits and rewrites its memory maximum.
 * Throws {@linkcode PrepareError} with code `invalid_module` (garbage, too
 * large, shared or 64-bit or several memories), `memory_limit` (minimum above
 * the limit) or `unsupported_import` (naming the import).
 */
export function prepareModule(bytes: Uint8Array, options: PrepareOptions = {}): PreparedModule {
  const maxBytes = options.maxModuleBytes ?? DEFAULT_MAX_MODULE_BYTES;
  if (bytes.length > maxBytes) {
    throw invalid(`module is ${bytes.length} bytes, over the ${maxBytes}-byte limit`);
  }
  const limitPages = Math.min(options.maxMemoryPages ?? DEFAULT_MAX_MEMORY_PAGES, 65536);
  const secs = sections(bytes);
  const info = inspectModule(bytes);
  if (info.memories.length > 1) throw invalid("modules with several memories are not supported");
  const mem = info.memories[0];
  if (mem !== undefined) {
    if (mem.shared) throw invalid("shared memories are not supported");
    if (mem.memory64) throw invalid("64-bit memories are not supported");
    if (mem.max !== undefined && mem.max < mem.min) throw invalid("memory maximum below minimum");
    if (mem.min > limitPages) {
      throw new PrepareError(
        "memory_limit",
        `memory minimum ${mem.min} pages exceeds the limit of ${limitPages} pages`,
      );
    }
  }
  const unsupported = findUnsupportedImport(info);
  if (unsupported !== undefined) {
    throw new PrepareError("unsupported_import", `unsupported import ${unsupported}`);
  }
  if (mem === undefined || (mem.max !== undefined && mem.max <= limitPages)) {
    return { bytes, info, memory: mem };
  }
  // Rewrite the section that declares the memory with max = limit.
  const newMax = limitPages;
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  for (const s of secs) {
    if (s.id === 5 && mem.import === undefined) {
      const body = [...leb(1), ...encodeLimits(mem.min, newMax)];
      parts.push(new Uint8Array([5, ...leb(body.length), ...body]));
    } else if (s.id === 2 && mem.import !== undefined) {
      parts.push(rewriteImportSection(bytes, s, mem.min, newMax));
    } else {
      parts.push(bytes.subarray(s.headerStart, s.end));
    }
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return { bytes: out, info, memory: { ...mem, max: newMax } };
}

function rewriteImportSection(bytes: Uint8Array, s: Section, min: number, max: number): Uint8Array {
  const r = new Reader(bytes, s.start, s.end);
  const body: number[] = [];
  const count = r.u32();
  body.push(...leb(count));
  for (let i = 0; i < count; i++) {
    const entryStart = r.pos;
    r.name();
    r.name();
    const kind = r.byte();
    if (kind === 2) {
      body.push(...bytes.subarray(entryStart, r.pos));
      r.limits();
      body.push(...encodeLimits(min, max));
      continue;
    }
    if (kind === 0) r.u32();
    else if (kind === 1) {
      r.byte();
      r.tableLimits();
    } else if (kind === 3) {
      r.byte();
      r.byte();
    } else {
      r.byte();
      r.u32();
    }
    body.push(...bytes.subarray(entryStart, r.pos));
  }
  return new Uint8Array([2, ...leb(body.length), ...body]);
}
