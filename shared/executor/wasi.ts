/**
 * WASI preview1 (`wasi_snapshot_preview1`) for any engine: plain JS functions
 * that take i64 parameters as BigInt (as the WebAssembly JS API passes them)
 * and reach guest memory through the exported memory's `buffer`, re-read on
 * every call because memory may grow.
 *
 * Sockets, the host filesystem and the network do not exist here: socket
 * calls on a valid descriptor return ENOTSOCK, on an invalid one EBADF.
 *
 * @module
 */

import {
  ClockId,
  Errno,
  EventType,
  FdFlags,
  FileType,
  FstFlags,
  LOOKUP_SYMLINK_FOLLOW,
  OFlags,
  Rights,
  RIGHTS_ALL,
  RIGHTS_DIR,
  RIGHTS_FILE,
  SUBSCRIPTION_CLOCK_ABSTIME,
  Whence,
} from "./_wasi_constants.ts";
import { concatBytes } from "../encoding/bytes.ts";
import { type DirNode, type FileNode, type Inode, MemFs } from "./memfs.ts";
import { createRandom, type RandomSource } from "./_random.ts";

/** Thrown by `proc_exit`; engines must let it propagate unchanged. */
export class ProcExit {
  /** The guest's exit code. */
  readonly code: number;
  /** Creates the exit signal. */
  constructor(code: number) {
    this.code = code;
  }
}

/** Thrown from a WASI call when the guest wrote more output than allowed. */
export class OutputLimitExceeded {
  /** Which cap was hit: `stdout`, `stderr` or `total`. */
  readonly which: string;
  /** Creates the signal. */
  constructor(which: string) {
    this.which = which;
  }
}

/** Thrown from a WASI call (a sleep) that would pass the job's deadline. */
export class DeadlineExceeded {}

/** How clocks behave. */
export type ClockMode = "real" | "deterministic";

/** Options of {@linkcode Wasi}. */
export interface WasiOptions {
  /** argv, including argv[0]. */
  args?: string[];
  /** Environment variables. */
  env?: Record<string, string>;
  /** Bytes the guest reads from stdin. */
  stdin?: Uint8Array;
  /** Filesystem preopened as `/` (an empty one by default). */
  fs?: MemFs;
  /** `real` (host clocks) or `deterministic` (a virtual clock starting at `clockEpochMs`). */
  clock?: ClockMode;
  /** Start of the deterministic clock, ms since the epoch (default 2024-01-01T00:00:00Z). */
  clockEpochMs?: number;
  /** Seed for deterministic `random_get`; real randomness when absent. */
  randomSeed?: Uint8Array;
  /** Most stdout bytes kept. */
  maxStdoutBytes?: number;
  /** Most stderr bytes kept. */
  maxStderrBytes?: number;
  /** Most stdout + stderr bytes together. */
  maxOutputBytes?: number;
  /** Called with every chunk written to stdout (for streaming). */
  onStdout?: (chunk: Uint8Array) => void;
  /** Called with every chunk written to stderr. */
  onStderr?: (chunk: Uint8Array) => void;
  /** Monotonic milliseconds (default `performance.now`). */
  monotonicMs?: () => number;
  /** Wall-clock milliseconds since the epoch (default `Date.now`). */
  wallMs?: () => number;
  /** Monotonic time (per `monotonicMs`) after which sleeps throw {@linkcode DeadlineExceeded}. */
  deadline?: number;
  /** Blocks the thread for `ms` (default: `Atomics.wait`, else a spin). */
  sleep?: (ms: number) => void;
  /** Preopen the filesystem as `/` at fd 3 (default true; false leaves no preopens). */
  preopenRoot?: boolean;
}

/** Anything with a `buffer` that is the guest's linear memory. */
export interface MemoryLike {
  readonly buffer: ArrayBufferLike;
}

interface FdEntry {
  kind: "stdin" | "stdout" | "stderr" | "file" | "dir";
  node?: Inode;
  pos: number;
  fdflags: number;
  rightsBase: bigint;
  rightsInheriting: bigint;
  preopen?: string;
}

const STDIN_RIGHTS = Rights.FD_READ | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET |
  Rights.POLL_FD_READWRITE;
const STDOUT_RIGHTS = Rights.FD_WRITE | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET |
  Rights.POLL_FD_READWRITE;
const MAX_FDS = 1024;
const DEFAULT_EPOCH_MS = 1_704_067_200_000;
const U64_MAX = (1n << 64n) - 1n;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

// deno-lint-ignore no-explicit-any
type WasiFunction = (...args: any[]) => number;

/** One WASI instance: its import functions, captured output and filesystem. */
export class Wasi {
  /** The `wasi_snapshot_preview1` import namespace. */
  readonly imports: Record<string, WasiFunction>;
  /** The filesystem preopened as `/`. */
  readonly fs: MemFs;
  /** Bytes written to stdout and stderr so far (including ones past a cap). */
  outputBytes = 0;

  #memory: MemoryLike | null = null;
  #lastBuffer: ArrayBufferLike | null = null;
  #view!: DataView;
  #bytes!: Uint8Array;
  readonly #args: Uint8Array[];
  readonly #env: Uint8Array[];
  readonly #stdin: Uint8Array;
  #stdinPos = 0;
  readonly #stdout: Uint8Array[] = [];
  readonly #stderr: Uint8Array[] = [];
  #stdoutBytes = 0;
  #stderrBytes = 0;
  readonly #fds = new Map<number, FdEntry>();
  readonly #options: WasiOptions;
  readonly #deterministic: boolean;
  #virtualNs: bigint;
  readonly #random: RandomSource;
  readonly #monotonic: () => number;
  readonly #wall: () => number;
  readonly #monoStart: number;

  /** Creates a WASI instance; call {@linkcode Wasi.setMemory} after instantiating. */
  constructor(options: WasiOptions = {}) {
    this.#options = options;
    this.#deterministic = options.clock === "deterministic";
    this.#virtualNs = BigInt(options.clockEpochMs ?? DEFAULT_EPOCH_MS) * 1_000_000n;
    this.#monotonic = options.monotonicMs ?? (() => performance.now());
    this.#wall = options.wallMs ?? (() => Date.now());
    this.#monoStart = this.#monotonic();
    this.#random = createRandom(options.randomSeed);
    this.fs = options.fs ?? new MemFs({ now: () => this.#realtimeNs() });
    this.#args = (options.args ?? []).map((a) => encoder.encode(a + "\0"));
    this.#env = Object.entries(options.env ?? {}).map(([k, v]) => encoder.encode(`${k}=${v}\0`));
    this.#stdin = options.stdin ?? new Uint8Array(0);
    this.#fds.set(0, stdio("stdin", STDIN_RIGHTS));
    this.#fds.set(1, stdio("stdout", STDOUT_RIGHTS));
    this.#fds.set(2, stdio("stderr", STDOUT_RIGHTS));
    if (options.preopenRoot ?? true) {
      this.#fds.set(3, {
        kind: "dir",
        node: this.fs.root,
        pos: 0,
        fdflags: 0,
        rightsBase: RIGHTS_DIR,
        rightsInheriting: RIGHTS_ALL,
        preopen: "/",
      });
    }
    this.imports = this.#buildImports();
  }

  /** Points the WASI layer at the guest's memory (exported or imported). */
  setMemory(memory: MemoryLike): void {
    this.#memory = memory;
    this.#lastBuffer = null;
  }

  /** Everything written to stdout (up to the cap). */
  stdout(): Uint8Array {
    return concatBytes(this.#stdout, this.#stdoutBytes);
  }

  /** Everything written to stderr (up to the cap). */
  stderr(): Uint8Array {
    return concatBytes(this.#stderr, this.#stderrBytes);
  }

  #mem(): DataView {
    const buffer = this.#memory?.buffer;
    if (buffer === undefined) throw new TypeError("WASI memory not set");
    if (buffer !== this.#lastBuffer) {
      this.#lastBuffer = buffer;
      this.#view = new DataView(buffer);
      this.#bytes = new Uint8Array(buffer);
    }
    return this.#view;
  }

  #u8(): Uint8Array {
    this.#mem();
    return this.#bytes;
  }

  #string(ptr: number, len: number): string | number {
    const bytes = this.#u8();
    if (ptr + len > bytes.length) return Errno.FAULT;
    try {
      return strictDecoder.decode(bytes.subarray(ptr, ptr + len));
    } catch {
      return Errno.ILSEQ;
    }
  }

  #iovecs(iovs: number, count: number): Uint8Array[] {
    const view = this.#mem();
    const bytes = this.#bytes;
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const ptr = view.getUint32(iovs + i * 8, true);
      const len = view.getUint32(iovs + i * 8 + 4, true);
      if (ptr + len > bytes.length) throw new RangeError("iovec out of bounds");
      out.push(bytes.subarray(ptr, ptr + len));
    }
    return out;
  }

  #realtimeNs(): bigint {
    if (this.#deterministic) return this.#virtualNs;
    return BigInt(Math.round(this.#wall() * 1000)) * 1000n;
  }

  #clockNs(id: number): bigint | number {
    if (this.#deterministic) {
      // The virtual clock moves 1 us per reading so loops waiting on it end.
      this.#virtualNs += 1000n;
      switch (id) {
        case ClockId.REALTIME:
          return this.#virtualNs;
        case ClockId.MONOTONIC:
        case ClockId.PROCESS_CPUTIME:
        case ClockId.THREAD_CPUTIME:
          return this.#virtualNs - BigInt(this.#options.clockEpochMs ?? DEFAULT_EPOCH_MS) *
              1_000_000n;
        default:
          return Errno.INVAL;
      }
    }
    switch (id) {
      case ClockId.REALTIME:
        return this.#realtimeNs();
      case ClockId.MONOTONIC:
      case ClockId.PROCESS_CPUTIME:
      case ClockId.THREAD_CPUTIME:
        return BigInt(Math.round((this.#monotonic() - this.#monoStart) * 1e6));
      default:
        return Errno.INVAL;
    }
  }

  #sleep(ms: number): void {
    if (ms <= 0) return;
    if (this.#deterministic) {
      this.#virtualNs += BigInt(Math.ceil(ms * 1e6));
      return;
    }
    const deadline = this.#options.deadline;
    let wait = ms;
    let passes = false;
    if (deadline !== undefined) {
      const left = deadline - this.#monotonic();
      if (left < wait) {
        wait = Math.max(0, left);
        passes = true;
      }
    }
    (this.#options.sleep ?? defaultSleep)(wait);
    if (passes) throw new DeadlineExceeded();
  }

  #output(kind: "stdout" | "stderr", chunks: Uint8Array[]): number {
    let total = 0;
    for (const c of chunks) total += c.length;
    const o = this.#options;
    const isOut = kind === "stdout";
    const cap = isOut ? o.maxStdoutBytes : o.maxStderrBytes;
    const used = isOut ? this.#stdoutBytes : this.#stderrBytes;
    let allowed = total;
    let hit: string | null = null;
    if (cap !== undefined && used + allowed > cap) {
      allowed = cap - used;
      hit = kind;
    }
    if (o.maxOutputBytes !== undefined && this.outputBytes + allowed > o.maxOutputBytes) {
      allowed = o.maxOutputBytes - this.outputBytes;
      hit = "total";
    }
    let left = Math.max(0, allowed);
    const list = isOut ? this.#stdout : this.#stderr;
    const cb = isOut ? o.onStdout : o.onStderr;
    for (const c of chunks) {
      if (left <= 0) break;
      const piece = (c.length <= left ? c : c.subarray(0, left)).slice();
      left -= piece.length;
      list.push(piece);
      cb?.(piece);
      if (isOut) this.#stdoutBytes += piece.length;
      else this.#stderrBytes += piece.length;
      this.outputBytes += piece.length;
    }
    if (hit !== null) throw new OutputLimitExceeded(hit);
    return total;
  }

  #allocFd(entry: FdEntry): number {
    for (let fd = 0; fd < MAX_FDS; fd++) {
      if (!this.#fds.has(fd)) {
        this.#fds.set(fd, entry);
        return fd;
      }
    }
    return -1;
  }

  #dirFd(fd: number): DirNode | number {
    const e = this.#fds.get(fd);
    if (e === undefined) return Errno.BADF;
    if (e.kind !== "dir") return Errno.NOTDIR;
    return e.node as DirNode;
  }

  #filestat(ptr: number, node: Inode | undefined, filetype?: number): void {
    const view = this.#mem();
    const bytes = this.#bytes;
    bytes.fill(0, ptr, ptr + 64);
    view.setBigUint64(ptr, 1n, true);
    if (node === undefined) {
      view.setBigUint64(ptr + 8, 0n, true);
      view.setUint8(ptr + 16, filetype ?? FileType.CHARACTER_DEVICE);
      view.setBigUint64(ptr + 24, 1n, true);
      return;
    }
    view.setBigUint64(ptr + 8, node.ino, true);
    view.setUint8(ptr + 16, fileTypeOf(node));
    view.setBigUint64(ptr + 24, BigInt(Math.max(node.nlink, 1)), true);
    const size = node.kind === "file"
      ? node.size
      : node.kind === "symlink"
      ? encoder.encode(node.target).length
      : 4096;
    view.setBigUint64(ptr + 32, BigInt(size), true);
    view.setBigUint64(ptr + 40, node.atim, true);
    view.setBigUint64(ptr + 48, node.mtim, true);
    view.setBigUint64(ptr + 56, node.ctim, true);
  }

  #setTimes(node: Inode, atim: bigint, mtim: bigint, flags: number): number {
    if (
      (flags & FstFlags.ATIM && flags & FstFlags.ATIM_NOW) ||
      (flags & FstFlags.MTIM && flags & FstFlags.MTIM_NOW)
    ) return Errno.INVAL;
    const now = this.#realtimeNs();
    if (flags & FstFlags.ATIM) node.atim = atim;
    if (flags & FstFlags.ATIM_NOW) node.atim = now;
    if (flags & FstFlags.MTIM) node.mtim = mtim;
    if (flags & FstFlags.MTIM_NOW) node.mtim = now;
    node.ctim = now;
    return Errno.SUCCESS;
  }

  #path(fd: number, ptr: number, len: number, follow: boolean) {
    const dir = this.#dirFd(fd);
    if (typeof dir === "number") return dir;
    const path = this.#string(ptr, len);
    if (typeof path === "number") return path;
    return this.fs.resolve(dir, path, follow);
  }

  #readFile(e: FdEntry, targets: Uint8Array[], offset: number): number {
    const file = e.node as FileNode;
    let pos = offset;
    let total = 0;
    for (const t of targets) {
      const n = Math.max(0, Math.min(t.length, file.size - pos));
      t.set(file.data.subarray(pos, pos + n));
      pos += n;
      total += n;
      if (n < t.length) break;
    }
    file.atim = this.fs.now();
    return total;
  }

  #writeFile(e: FdEntry, chunks: Uint8Array[], offset: number): number {
    const file = e.node as FileNode;
    let pos = offset;
    for (const c of chunks) {
      if (!this.fs.write(file, pos, c)) return -1;
      pos += c.length;
    }
    return pos - offset;
  }

  #buildImports(): Record<string, WasiFunction> {
    const fns: Record<string, WasiFunction> = {
      args_get: (argv: number, buf: number) => this.#putList(this.#args, argv, buf),
      args_sizes_get: (countPtr: number, sizePtr: number) =>
        this.#putSizes(this.#args, countPtr, sizePtr),
      environ_get: (env: number, buf: number) => this.#putList(this.#env, env, buf),
      environ_sizes_get: (countPtr: number, sizePtr: number) =>
        this.#putSizes(this.#env, countPtr, sizePtr),

      clock_res_get: (id: number, ptr: number) => {
        if (id < 0 || id > 3) return Errno.INVAL;
        this.#mem().setBigUint64(ptr, 1000n, true);
        return Errno.SUCCESS;
      },
      clock_time_get: (id: number, _precision: bigint, ptr: number) => {
        const t = this.#clockNs(id);
        if (typeof t === "number") return t;
        this.#mem().setBigUint64(ptr, t, true);
        return Errno.SUCCESS;
      },

      fd_advise: (fd: number, _offset: bigint, _len: bigint, advice: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        if (advice > 5) return Errno.INVAL;
        if (e.kind === "dir") return Errno.BADF;
        if (e.kind !== "file") return Errno.SPIPE;
        return Errno.SUCCESS;
      },
      fd_allocate: (fd: number, offset: bigint, len: bigint) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        if (e.kind !== "file") return e.kind === "dir" ? Errno.BADF : Errno.SPIPE;
        if (!(e.rightsBase & Rights.FD_WRITE)) return Errno.BADF;
        const end = offset + len;
        if (offset < 0n || len <= 0n) return Errno.INVAL;
        if (end > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.FBIG;
        const file = e.node as FileNode;
        if (Number(end) > file.size && !this.fs.setSize(file, Number(end))) return Errno.NOSPC;
        return Errno.SUCCESS;
      },
      fd_close: (fd: number) => {
        if (!this.#fds.delete(fd)) return Errno.BADF;
        return Errno.SUCCESS;
      },
      fd_datasync: (fd: number) => this.#fds.has(fd) ? Errno.SUCCESS : Errno.BADF,
      fd_sync: (fd: number) => this.#fds.has(fd) ? Errno.SUCCESS : Errno.BADF,
      fd_fdstat_get: (fd: number, ptr: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        const view = this.#mem();
        this.#bytes.fill(0, ptr, ptr + 24);
        view.setUint8(ptr, e.node ? fileTypeOf(e.node) : FileType.CHARACTER_DEVICE);
        view.setUint16(ptr + 2, e.fdflags, true);
        view.setBigUint64(ptr + 8, e.rightsBase, true);
        view.setBigUint64(ptr + 16, e.rightsInheriting, true);
        return Errno.SUCCESS;
      },
      fd_fdstat_set_flags: (fd: number, flags: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        if (flags & ~0x1f) return Errno.INVAL;
        e.fdflags = flags;
        return Errno.SUCCESS;
      },
      fd_fdstat_set_rights: (fd: number, base: bigint, inheriting: bigint) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        if ((base & ~e.rightsBase) !== 0n || (inheriting & ~e.rightsInheriting) !== 0n) {
          return Errno.NOTCAPABLE;
        }
        e.rightsBase = base;
        e.rightsInheriting = inheriting;
        return Errno.SUCCESS;
      },
      fd_filestat_get: (fd: number, ptr: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        this.#filestat(ptr, e.node);
        return Errno.SUCCESS;
      },
      fd_filestat_set_size: (fd: number, size: bigint) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        if (e.kind !== "file") return Errno.INVAL;
        if (!(e.rightsBase & Rights.FD_WRITE)) return Errno.BADF;
        if (size < 0n) return Errno.INVAL;
        if (size > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.FBIG;
        if (!this.fs.setSize(e.node as FileNode, Number(size))) return Errno.NOSPC;
        (e.node as FileNode).mtim = this.#realtimeNs();
        return Errno.SUCCESS;
      },
      fd_filestat_set_times: (fd: number, atim: bigint, mtim: bigint, flags: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        if (e.node === undefined) return Errno.SUCCESS;
        return this.#setTimes(e.node, atim, mtim, flags);
      },
      fd_pread: (fd: number, iovs: number, count: number, offset: bigint, nread: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        if (e.kind === "dir") return Errno.ISDIR;
        if (e.kind !== "file") return Errno.SPIPE;
        if (!(e.rightsBase & Rights.FD_READ)) return Errno.BADF;
        if (offset < 0n) return Errno.INVAL;
        const n = this.#readFile(e, this.#iovecs(iovs, count), Number(offset));
        this.#mem().setUint32(nread, n, true);
        return Errno.SUCCESS;
      },
      fd_pwrite: (fd: number, iovs: number, count: number, offset: bigint, nwritten: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        if (e.kind === "dir") return Errno.ISDIR;
        if (e.kind !== "file") return Errno.SPIPE;
        if (!(e.rightsBase & Rights.FD_WRITE)) return Errno.BADF;
        if (offset < 0n) return Errno.INVAL;
        const n = this.#writeFile(e, this.#iovecs(iovs, count), Number(offset));
        if (n < 0) return Errno.NOSPC;
        this.#mem().setUint32(nwritten, n, true);
        return Errno.SUCCESS;
      },
      fd_read: (fd: number, iovs: number, count: number, nread: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        const targets = this.#iovecs(iovs, count);
        let n = 0;
        if (e.kind === "stdin") {
          for (const t of targets) {
            const k = Math.min(t.length, this.#stdin.length - this.#stdinPos);
            t.set(this.#stdin.subarray(this.#stdinPos, this.#stdinPos + k));
            this.#stdinPos += k;
            n += k;
            if (k < t.length) break;
          }
        } else if (e.kind === "file") {
          if (!(e.rightsBase & Rights.FD_READ)) return Errno.BADF;
          n = this.#readFile(e, targets, e.pos);
          e.pos += n;
        } else if (e.kind === "dir") {
          return Errno.ISDIR;
        } else {
          return Errno.BADF;
        }
        this.#mem().setUint32(nread, n, true);
        return Errno.SUCCESS;
      },
      fd_write: (fd: number, iovs: number, count: number, nwritten: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        const chunks = this.#iovecs(iovs, count);
        let n: number;
        if (e.kind === "stdout" || e.kind === "stderr") {
          n = this.#output(e.kind, chunks);
        } else if (e.kind === "file") {
          if (!(e.rightsBase & Rights.FD_WRITE)) return Errno.BADF;
          if (e.fdflags & FdFlags.APPEND) e.pos = (e.node as FileNode).size;
          n = this.#writeFile(e, chunks, e.pos);
          if (n < 0) return Errno.NOSPC;
          e.pos += n;
        } else if (e.kind === "dir") {
          return Errno.ISDIR;
        } else {
          return Errno.BADF;
        }
        this.#mem().setUint32(nwritten, n, true);
        return Errno.SUCCESS;
      },
      fd_prestat_get: (fd: number, ptr: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined || e.preopen === undefined) return Errno.BADF;
        const view = this.#mem();
        view.setUint32(ptr, 0, true);
        view.setUint32(ptr + 4, encoder.encode(e.preopen).length, true);
        return Errno.SUCCESS;
      },
      fd_prestat_dir_name: (fd: number, ptr: number, len: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined || e.preopen === undefined) return Errno.BADF;
        const name = encoder.encode(e.preopen);
        if (len < name.length) return Errno.NAMETOOLONG;
        this.#u8().set(name, ptr);
        return Errno.SUCCESS;
      },
      fd_readdir: (fd: number, buf: number, bufLen: number, cookie: bigint, usedPtr: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        if (e.kind !== "dir") return Errno.NOTDIR;
        if (!(e.rightsBase & Rights.FD_READDIR)) return Errno.BADF;
        const dir = e.node as DirNode;
        const list: [string, Inode][] = [[".", dir], ["..", dir.parent ?? dir], ...dir.entries];
        const view = this.#mem();
        const bytes = this.#bytes;
        let used = 0;
        for (let i = Number(cookie); i < list.length && used < bufLen; i++) {
          const [name, node] = list[i];
          const nameBytes = encoder.encode(name);
          const header = new Uint8Array(24);
          const hv = new DataView(header.buffer);
          hv.setBigUint64(0, BigInt(i + 1), true);
          hv.setBigUint64(8, node.ino, true);
          hv.setUint32(16, nameBytes.length, true);
          hv.setUint8(20, fileTypeOf(node));
          const entry = new Uint8Array(24 + nameBytes.length);
          entry.set(header);
          entry.set(nameBytes, 24);
          const n = Math.min(entry.length, bufLen - used);
          bytes.set(entry.subarray(0, n), buf + used);
          used += n;
        }
        view.setUint32(usedPtr, used, true);
        return Errno.SUCCESS;
      },
      fd_renumber: (from: number, to: number) => {
        const e = this.#fds.get(from);
        if (e === undefined || !this.#fds.has(to)) return Errno.BADF;
        if (from === to) return Errno.SUCCESS;
        this.#fds.set(to, e);
        this.#fds.delete(from);
        return Errno.SUCCESS;
      },
      fd_seek: (fd: number, offset: bigint, whence: number, ptr: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        if (e.kind === "dir") return Errno.BADF;
        if (e.kind !== "file") return Errno.SPIPE;
        const file = e.node as FileNode;
        let base: bigint;
        if (whence === Whence.SET) base = 0n;
        else if (whence === Whence.CUR) base = BigInt(e.pos);
        else if (whence === Whence.END) base = BigInt(file.size);
        else return Errno.INVAL;
        const next = base + offset;
        if (next < 0n) return Errno.INVAL;
        if (next > BigInt(Number.MAX_SAFE_INTEGER)) return Errno.OVERFLOW;
        e.pos = Number(next);
        this.#mem().setBigUint64(ptr, next, true);
        return Errno.SUCCESS;
      },
      fd_tell: (fd: number, ptr: number) => {
        const e = this.#fds.get(fd);
        if (e === undefined) return Errno.BADF;
        if (e.kind === "dir") return Errno.BADF;
        if (e.kind !== "file") return Errno.SPIPE;
        this.#mem().setBigUint64(ptr, BigInt(e.pos), true);
        return Errno.SUCCESS;
      },

      path_create_directory: (fd: number, ptr: number, len: number) => {
        const r = this.#path(fd, ptr, len, false);
        if (typeof r === "number") return r;
        if (r.node !== undefined) return Errno.EXIST;
        const parent = r.parent as DirNode;
        const dir = this.fs.newDir(parent);
        parent.entries.set(r.name, dir);
        parent.mtim = parent.ctim = dir.ctim;
        return Errno.SUCCESS;
      },
      path_filestat_get: (fd: number, flags: number, ptr: number, len: number, buf: number) => {
        const r = this.#path(fd, ptr, len, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
        if (typeof r === "number") return r;
        if (r.node === undefined) return Errno.NOENT;
        if (r.mustBeDir && r.node.kind !== "dir") return Errno.NOTDIR;
        this.#filestat(buf, r.node);
        return Errno.SUCCESS;
      },
      path_filestat_set_times: (
        fd: number,
        flags: number,
        ptr: number,
        len: number,
        atim: bigint,
        mtim: bigint,
        fst: number,
      ) => {
        const r = this.#path(fd, ptr, len, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
        if (typeof r === "number") return r;
        if (r.node === undefined) return Errno.NOENT;
        return this.#setTimes(r.node, atim, mtim, fst);
      },
      path_link: (
        oldFd: number,
        oldFlags: number,
        oldPtr: number,
        oldLen: number,
        newFd: number,
        newPtr: number,
        newLen: number,
      ) => {
        const src = this.#path(oldFd, oldPtr, oldLen, (oldFlags & LOOKUP_SYMLINK_FOLLOW) !== 0);
        if (typeof src === "number") return src;
        if (src.node === undefined) return Errno.NOENT;
        if (src.node.kind === "dir") return Errno.PERM;
        if (src.mustBeDir) return Errno.NOTDIR;
        const dst = this.#path(newFd, newPtr, newLen, false);
        if (typeof dst === "number") return dst;
        if (dst.node !== undefined) return Errno.EXIST;
        if (dst.mustBeDir) return Errno.NOENT;
        const parent = dst.parent as DirNode;
        parent.entries.set(dst.name, src.node);
        src.node.nlink++;
        src.node.ctim = this.#realtimeNs();
        return Errno.SUCCESS;
      },
      path_open: (
        fd: number,
        dirflags: number,
        ptr: number,
        len: number,
        oflags: number,
        rightsBase: bigint,
        rightsInheriting: bigint,
        fdflags: number,
        fdPtr: number,
      ) => this.#open(fd, dirflags, ptr, len, oflags, rightsBase, rightsInheriting, fdflags, fdPtr),
      path_readlink: (
        fd: number,
        ptr: number,
        len: number,
        buf: number,
        bufLen: number,
        usedPtr: number,
      ) => {
        const r = this.#path(fd, ptr, len, false);
        if (typeof r === "number") return r;
        if (r.node === undefined) return Errno.NOENT;
        if (r.node.kind !== "symlink") return Errno.INVAL;
        const target = encoder.encode(r.node.target);
        const n = Math.min(target.length, bufLen);
        this.#u8().set(target.subarray(0, n), buf);
        this.#mem().setUint32(usedPtr, n, true);
        return Errno.SUCCESS;
      },
      path_remove_directory: (fd: number, ptr: number, len: number) => {
        const r = this.#path(fd, ptr, len, false);
        if (typeof r === "number") return r;
        if (r.node === undefined) return Errno.NOENT;
        if (r.node.kind !== "dir") return Errno.NOTDIR;
        if (r.name === "" || r.parent === null) return Errno.INVAL;
        if (r.node.entries.size > 0) return Errno.NOTEMPTY;
        r.parent.entries.delete(r.name);
        this.fs.unlinked(r.node);
        return Errno.SUCCESS;
      },
      path_rename: (
        fd: number,
        oldPtr: number,
        oldLen: number,
        newFd: number,
        newPtr: number,
        newLen: number,
      ) => this.#rename(fd, oldPtr, oldLen, newFd, newPtr, newLen),
      path_symlink: (
        oldPtr: number,
        oldLen: number,
        fd: number,
        newPtr: number,
        newLen: number,
      ) => {
        const target = this.#string(oldPtr, oldLen);
        if (typeof target === "number") return target;
        const r = this.#path(fd, newPtr, newLen, false);
        if (typeof r === "number") return r;
        if (r.node !== undefined) return Errno.EXIST;
        if (r.mustBeDir) return Errno.NOENT;
        const link = this.fs.newSymlink(target);
        link.nlink = 1;
        (r.parent as DirNode).entries.set(r.name, link);
        return Errno.SUCCESS;
      },
      path_unlink_file: (fd: number, ptr: number, len: number) => {
        const r = this.#path(fd, ptr, len, false);
        if (typeof r === "number") return r;
        if (r.node === undefined) return Errno.NOENT;
        if (r.node.kind === "dir") return Errno.ISDIR;
        if (r.mustBeDir) return Errno.NOTDIR;
        (r.parent as DirNode).entries.delete(r.name);
        this.fs.unlinked(r.node);
        return Errno.SUCCESS;
      },

      poll_oneoff: (inPtr: number, outPtr: number, count: number, neventsPtr: number) =>
        this.#poll(inPtr, outPtr, count, neventsPtr),
      proc_exit: (code: number) => {
        throw new ProcExit(code >>> 0);
      },
      proc_raise: (_sig: number) => Errno.NOSYS,
      sched_yield: () => Errno.SUCCESS,
      random_get: (buf: number, len: number) => {
        const bytes = this.#u8();
        if (buf + len > bytes.length) return Errno.FAULT;
        this.#random(bytes.subarray(buf, buf + len));
        return Errno.SUCCESS;
      },

      sock_accept: (fd: number) => this.#notSocket(fd),
      sock_recv: (fd: number) => this.#notSocket(fd),
      sock_send: (fd: number) => this.#notSocket(fd),
      sock_shutdown: (fd: number) => this.#notSocket(fd),
    };
    // Out-of-bounds pointers from the guest become EFAULT instead of host errors.
    for (const [name, fn] of Object.entries(fns)) {
      fns[name] = (...args: unknown[]) => {
        try {
          return fn(...args);
        } catch (err) {
          if (err instanceof RangeError) return Errno.FAULT;
          throw err;
        }
      };
    }
    return fns;
  }

  #notSocket(fd: number): number {
    return this.#fds.has(fd) ? Errno.NOTSOCK : Errno.BADF;
  }

  #putList(items: Uint8Array[], ptrs: number, buf: number): number {
    const view = this.#mem();
    const bytes = this.#bytes;
    let at = buf;
    for (let i = 0; i < items.length; i++) {
      view.setUint32(ptrs + i * 4, at, true);
      if (at + items[i].length > bytes.length) return Errno.FAULT;
      bytes.set(items[i], at);
      at += items[i].length;
    }
    return Errno.SUCCESS;
  }

  #putSizes(items: Uint8Array[], countPtr: number, sizePtr: number): number {
    const view = this.#mem();
    view.setUint32(countPtr, items.length, true);
    view.setUint32(sizePtr, items.reduce((n, a) => n + a.length, 0), true);
    return Errno.SUCCESS;
  }

  #open(
    fd: number,
    dirflags: number,
    ptr: number,
    len: number,
    oflags: number,
    rightsBase: bigint,
    rightsInheriting: bigint,
    fdflags: number,
    fdPtr: number,
  ): number {
    const base = this.#fds.get(fd);
    if (base === undefined) return Errno.BADF;
    if (base.kind !== "dir") return Errno.NOTDIR;
    const r = this.#path(fd, ptr, len, (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0);
    if (typeof r === "number") return r;
    let node = r.node;
    const wantsWrite = (rightsBase & (Rights.FD_WRITE | Rights.FD_ALLOCATE |
          Rights.FD_FILESTAT_SET_SIZE)) !== 0n || (oflags & OFlags.TRUNC) !== 0;
    if (node === undefined) {
      if (!(oflags & OFlags.CREAT)) return Errno.NOENT;
      if (r.mustBeDir || oflags & OFlags.DIRECTORY) return r.mustBeDir ? Errno.ISDIR : Errno.NOENT;
      const parent = r.parent as DirNode;
      const file = this.fs.newFile();
      file.nlink = 1;
      parent.entries.set(r.name, file);
      parent.mtim = parent.ctim = file.ctim;
      node = file;
    } else {
      if (oflags & OFlags.CREAT && oflags & OFlags.EXCL) return Errno.EXIST;
      if (node.kind === "symlink") return Errno.LOOP;
      if ((oflags & OFlags.DIRECTORY || r.mustBeDir) && node.kind !== "dir") return Errno.NOTDIR;
      if (node.kind === "dir" && wantsWrite) return Errno.ISDIR;
      if (node.kind === "file" && oflags & OFlags.TRUNC) {
        if (!this.fs.setSize(node, 0)) return Errno.NOSPC;
        node.mtim = node.ctim = this.#realtimeNs();
      }
    }
    const isDir = node.kind === "dir";
    const entry: FdEntry = {
      kind: isDir ? "dir" : "file",
      node,
      pos: 0,
      fdflags,
      rightsBase: rightsBase & (isDir ? RIGHTS_DIR : RIGHTS_FILE) & base.rightsInheriting,
      rightsInheriting: rightsInheriting & base.rightsInheriting,
    };
    const newFd = this.#allocFd(entry);
    if (newFd < 0) return Errno.MFILE;
    this.#mem().setUint32(fdPtr, newFd, true);
    return Errno.SUCCESS;
  }

  #rename(
    fd: number,
    oldPtr: number,
    oldLen: number,
    newFd: number,
    newPtr: number,
    newLen: number,
  ): number {
    const src = this.#path(fd, oldPtr, oldLen, false);
    if (typeof src === "number") return src;
    if (src.node === undefined) return Errno.NOENT;
    if (src.name === "" || src.parent === null) return Errno.INVAL;
    const dst = this.#path(newFd, newPtr, newLen, false);
    if (typeof dst === "number") return dst;
    if (dst.name === "" || dst.parent === null) return Errno.INVAL;
    const node = src.node;
    if (node.kind !== "dir" && (src.mustBeDir || dst.mustBeDir)) return Errno.NOTDIR;
    if (dst.node === node) return Errno.SUCCESS;
    if (node.kind === "dir") {
      for (let d: DirNode | null = dst.parent; d !== null; d = d.parent) {
        if (d === node) return Errno.INVAL;
      }
    }
    if (dst.node !== undefined) {
      if (node.kind === "dir") {
        if (dst.node.kind !== "dir") return Errno.NOTDIR;
        if (dst.node.entries.size > 0) return Errno.NOTEMPTY;
      } else if (dst.node.kind === "dir") {
        return Errno.ISDIR;
      }
      this.fs.unlinked(dst.node);
    }
    src.parent.entries.delete(src.name);
    dst.parent.entries.set(dst.name, node);
    if (node.kind === "dir") node.parent = dst.parent;
    const now = this.#realtimeNs();
    node.ctim = src.parent.mtim = dst.parent.mtim = now;
    return Errno.SUCCESS;
  }

  #poll(inPtr: number, outPtr: number, count: number, neventsPtr: number): number {
    if (count === 0) return Errno.INVAL;
    const view = this.#mem();
    interface Ev {
      userdata: bigint;
      type: number;
      error: number;
      nbytes: bigint;
    }
    const ready: Ev[] = [];
    const clocks: { userdata: bigint; timeoutNs: bigint; error: number }[] = [];
    for (let i = 0; i < count; i++) {
      const s = inPtr + i * 48;
      const userdata = view.getBigUint64(s, true);
      const tag = view.getUint8(s + 8);
      if (tag === EventType.CLOCK) {
        const id = view.getUint32(s + 16, true);
        const timeout = view.getBigUint64(s + 24, true);
        const flags = view.getUint16(s + 40, true);
        let rel = timeout;
        if (flags & SUBSCRIPTION_CLOCK_ABSTIME) {
          const now = this.#clockNs(id);
          if (typeof now === "number") {
            clocks.push({ userdata, timeoutNs: 0n, error: now });
            continue;
          }
          rel = timeout > now ? timeout - now : 0n;
        } else if (id > 3) {
          clocks.push({ userdata, timeoutNs: 0n, error: Errno.INVAL });
          continue;
        }
        clocks.push({ userdata, timeoutNs: rel, error: Errno.SUCCESS });
      } else if (tag === EventType.FD_READ || tag === EventType.FD_WRITE) {
        const fd = view.getUint32(s + 16, true);
        const e = this.#fds.get(fd);
        let nbytes = 0n;
        let error: number = Errno.SUCCESS;
        if (e === undefined) error = Errno.BADF;
        else if (e.kind === "stdin" && tag === EventType.FD_READ) {
          nbytes = BigInt(this.#stdin.length - this.#stdinPos);
        } else if (e.kind === "file" && tag === EventType.FD_READ) {
          nbytes = BigInt(Math.max(0, (e.node as FileNode).size - e.pos));
        } else if (e.kind === "dir") error = Errno.BADF;
        ready.push({ userdata, type: tag, error, nbytes });
      } else {
        return Errno.INVAL;
      }
    }
    for (const c of clocks) {
      if (c.error !== Errno.SUCCESS || c.timeoutNs === 0n) {
        ready.push({ userdata: c.userdata, type: EventType.CLOCK, error: c.error, nbytes: 0n });
      }
    }
    if (ready.length === 0 && clocks.length > 0) {
      let min = U64_MAX;
      for (const c of clocks) if (c.timeoutNs < min) min = c.timeoutNs;
      this.#sleep(Number(min) / 1e6);
      for (const c of clocks) {
        if (c.timeoutNs === min) {
          ready.push({ userdata: c.userdata, type: EventType.CLOCK, error: 0, nbytes: 0n });
        }
      }
    }
    const out = this.#mem();
    for (let i = 0; i < ready.length; i++) {
      const p = outPtr + i * 32;
      this.#bytes.fill(0, p, p + 32);
      out.setBigUint64(p, ready[i].userdata, true);
      out.setUint16(p + 8, ready[i].error, true);
      out.setUint8(p + 10, ready[i].type);
      out.setBigUint64(p + 16, ready[i].nbytes, true);
    }
    out.setUint32(neventsPtr, ready.length, true);
    return Errno.SUCCESS;
  }
}

function stdio(kind: "stdin" | "stdout" | "stderr", rights: bigint): FdEntry {
  return {
    kind,
    pos: 0,
    fdflags: kind === "stdin" ? 0 : FdFlags.APPEND,
    rightsBase: rights,
    rightsInheriting: 0n,
  };
}

function fileTypeOf(node: Inode): number {
  return node.kind === "file"
    ? FileType.REGULAR_FILE
    : node.kind === "dir"
    ? FileType.DIRECTORY
    : FileType.SYMBOLIC_LINK;
}

let sleepCell: Int32Array | null = null;

function defaultSleep(ms: number): void {
  if (ms <= 0) return;
  if (typeof SharedArrayBuffer === "function" && typeof Atomics?.wait === "function") {
    try {
      sleepCell ??= new Int32Array(new SharedArrayBuffer(4));
      Atomics.wait(sleepCell, 0, 0, ms);
      return;
    } catch {
      // Atomics.wait is not allowed on this thread (a browser main thread): spin.
    }
  }
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}
