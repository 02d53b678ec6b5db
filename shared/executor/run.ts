/**
 * Runs one job in the current thread: prepare the module, build the WASI
 * environment and in-memory filesystem, instantiate, call the entry, and turn
 * whatever happened into a status. Hosts call this inside their Worker and
 * pass a `guard` that enforces the wall-clock limit (the Deno host uses
 * `node:vm` with a timeout; see cli/host/).
 *
 * @module
 */

import { PhaseError } from "../errors.ts";
import { type Engine, type EngineName, loadEngine } from "./engine.ts";
import { PAGE_BYTES, PrepareError, prepareModule, WASI_MODULE } from "./prepare.ts";
import type { JobStatus } from "./status.ts";
import {
  type ClockMode,
  DeadlineExceeded,
  type MemoryLike,
  OutputLimitExceeded,
  ProcExit,
  Wasi,
} from "./wasi.ts";

/** Limits of one job. */
export interface JobLimits {
  /** Linear memory limit in MiB (default 256, at most 4096). */
  memoryMb?: number;
  /** Wall-clock limit in ms (default 30 000); enforced by the host's guard. */
  timeoutMs?: number;
  /** Cap on stdout + stderr + output files, in bytes (default 16 MiB). */
  maxOutputBytes?: number;
  /** Cap on stdout alone (default: maxOutputBytes). */
  maxStdoutBytes?: number;
  /** Cap on stderr alone (default: maxOutputBytes). */
  maxStderrBytes?: number;
  /** Instruction budget (interp engine only). */
  fuel?: number | bigint;
  /** Largest accepted module in bytes (default 64 MiB). */
  maxModuleBytes?: number;
  /** Most bytes the in-memory filesystem may hold (default 256 MiB). */
  maxFsBytes?: number;
}

/** One job as the executor sees it (the manifest's content, inputs resolved). */
export interface JobSpec {
  /** Arguments after argv[0]. */
  args?: string[];
  /** argv[0] (default `main.wasm`). */
  argv0?: string;
  /** Environment variables. */
  env?: Record<string, string>;
  /** stdin bytes. */
  stdin?: Uint8Array;
  /** Input files by absolute path, copied into the in-memory root `/`. */
  files?: Record<string, Uint8Array> | Map<string, Uint8Array>;
  /** Extra (empty) directories to create, absolute paths. */
  dirs?: string[];
  /** Absolute paths of files to read back after the run. */
  outputs?: string[];
  /** Exported function to call (default `_start`). */
  entry?: string;
  /** Limits. */
  limits?: JobLimits;
  /** Clock mode (default `real`). */
  clock?: ClockMode;
  /** Start of the deterministic clock, ms since the epoch. */
  clockEpochMs?: number;
  /** Seed for deterministic randomness; real randomness when absent. */
  randomSeed?: Uint8Array;
  /**
   * Preopen the in-memory root as `/` (default true: every job gets one, for
   * its input and output files). The conformance cases without a root dir
   * expect no preopens at all.
   */
  preopenRoot?: boolean;
}

/** Thrown by a host's guard when the wall-clock limit stopped the guest. */
export class JobTimeout extends PhaseError {
  /** Creates the error. */
  constructor(message = "wall-clock limit reached") {
    super("timeout", message);
    this.name = "JobTimeout";
  }
}

/**
 * Runs `run` (which executes guest code) and enforces `timeoutMs`, throwing
 * {@linkcode JobTimeout} when it stops the guest.
 */
export type Guard = (run: () => void, timeoutMs: number) => void;

/** Options of {@linkcode runJob}. */
export interface RunJobOptions {
  /** Engine object or name (default `jit`). */
  engine?: Engine | EngineName | "auto";
  /** Host wall-clock enforcement (see {@linkcode Guard}); without it only a post-run check. */
  guard?: Guard;
  /** Streams stdout chunks as the guest writes them. */
  onStdout?: (chunk: Uint8Array) => void;
  /** Streams stderr chunks. */
  onStderr?: (chunk: Uint8Array) => void;
  /** Compiled-module cache shared across jobs; needs `moduleKey`. */
  cache?: Map<string, unknown>;
  /** Identifies the module bytes for the cache (e.g. their SHA-256). */
  moduleKey?: string;
  /** Blocking sleep for `poll_oneoff` (default `Atomics.wait`). */
  sleep?: (ms: number) => void;
}

/** What a job produced. */
export interface JobResult {
  status: JobStatus;
  /** Guest exit code: 0 for `ok`, the code for `exit`, -1 when the guest did not exit. */
  exitCode: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** Output files found after the run (missing ones are absent). */
  files: Record<string, Uint8Array>;
  /** Milliseconds from instantiation to the end of the run. */
  wallMs: number;
  /** Ms since the epoch when the run started. */
  startedAt: number;
  /** Detail for every non-`ok`, non-`exit` status. */
  message?: string;
  /** The trap message when `status` is `trap`. */
  trapMessage?: string;
  /** Instructions executed (interp only). */
  fuelUsed?: number;
  /** Engine that ran the job. */
  engine: EngineName;
}

const MAX_CACHE = 32;
const EMPTY = new Uint8Array(0);

/** Default limits, applied where the job gives none. */
export const DEFAULT_LIMITS = {
  memoryMb: 256,
  timeoutMs: 30_000,
  maxOutputBytes: 16 * 1024 * 1024,
  maxFsBytes: 256 * 1024 * 1024,
} as const;

/**
 * Runs one job in the current thread and never throws for anything the guest
 * does: every outcome is a status. Resolves the engine by name first
 * (`interp` is loaded on demand).
 */
export async function runJob(
  moduleBytes: Uint8Array,
  job: JobSpec,
  options: RunJobOptions = {},
): Promise<JobResult> {
  const engine = typeof options.engine === "object"
    ? options.engine
    : await loadEngine(options.engine ?? "jit");
  return runJobSync(moduleBytes, job, { ...options, engine });
}

/** {@linkcode runJob} with an engine object: fully synchronous. */
export function runJobSync(
  moduleBytes: Uint8Array,
  job: JobSpec,
  options: RunJobOptions & { engine: Engine },
): JobResult {
  const engine = options.engine;
  const limits = job.limits ?? {};
  const startedAt = Date.now();
  const fail = (status: JobStatus, message: string): JobResult => ({
    status,
    exitCode: -1,
    stdout: EMPTY,
    stderr: EMPTY,
    files: {},
    wallMs: 0,
    startedAt,
    message,
    engine: engine.name,
  });

  const memoryMb = Math.min(limits.memoryMb ?? DEFAULT_LIMITS.memoryMb, 4096);
  const maxPages = Math.max(0, Math.floor(memoryMb * 1024 * 1024 / PAGE_BYTES));
  const timeoutMs = limits.timeoutMs ?? DEFAULT_LIMITS.timeoutMs;
  const maxOutput = limits.maxOutputBytes ?? DEFAULT_LIMITS.maxOutputBytes;

  // Prepare and compile (cached per engine, limit and module key).
  const cacheKey = options.moduleKey === undefined
    ? undefined
    : `${engine.name}:${maxPages}:${limits.maxModuleBytes ?? ""}:${options.moduleKey}`;
  let compiled = cacheKey === undefined
    ? undefined
    : options.cache?.get(cacheKey) as CompiledEntry | undefined;
  if (compiled === undefined) {
    try {
      const prepared = prepareModule(moduleBytes, {
        maxMemoryPages: maxPages,
        maxModuleBytes: limits.maxModuleBytes,
      });
      const module = engine.compile(prepared.bytes);
      const entry = job.entry ?? "_start";
      const exp = prepared.info.exports.find((e) => e.name === entry);
      if (exp === undefined || exp.kind !== "function") {
        return fail("invalid_module", `module has no exported function ${entry}`);
      }
      compiled = {
        module,
        memoryImport: prepared.memory?.import,
        memoryMin: prepared.memory?.min ?? 0,
        hasInitialize: entry === "_start"
          ? false
          : prepared.info.exports.some((e) => e.name === "_initialize" && e.kind === "function"),
      };
    } catch (err) {
      if (err instanceof PrepareError) return fail(err.code as JobStatus, err.message);
      if (err instanceof PhaseError && err.code === "invalid_module") {
        return fail("invalid_module", err.message);
      }
      throw err;
    }
    if (cacheKey !== undefined && options.cache !== undefined) {
      if (options.cache.size >= MAX_CACHE) {
        options.cache.delete(options.cache.keys().next().value!);
      }
      options.cache.set(cacheKey, compiled);
    }
  }

  // Filesystem and WASI.
  const wasi = new Wasi({
    args: [job.argv0 ?? "main.wasm", ...(job.args ?? [])],
    env: job.env,
    stdin: job.stdin,
    clock: job.clock,
    clockEpochMs: job.clockEpochMs,
    randomSeed: job.randomSeed,
    maxStdoutBytes: limits.maxStdoutBytes ?? maxOutput,
    maxStderrBytes: limits.maxStderrBytes ?? maxOutput,
    maxOutputBytes: maxOutput,
    onStdout: options.onStdout,
    onStderr: options.onStderr,
    deadline: performance.now() + timeoutMs,
    sleep: options.sleep,
    preopenRoot: job.preopenRoot,
  });
  const fs = wasi.fs;
  try {
    for (const dir of job.dirs ?? []) fs.mkdirp(dir);
    const files = job.files instanceof Map ? job.files : Object.entries(job.files ?? {});
    for (const [path, data] of files) fs.writeFile(path, data);
  } catch (err) {
    return fail("invalid_module", `bad job input files: ${(err as Error).message}`);
  }
  fs.setMaxBytes(Math.max(limits.maxFsBytes ?? DEFAULT_LIMITS.maxFsBytes, fs.usedBytes));

  let memory: MemoryLike | undefined;
  let instance: { exports: Record<string, unknown>; fuelUsed?: () => number } | undefined;
  let status: JobStatus = "ok";
  let exitCode = 0;
  let message: string | undefined;
  const c = compiled;
  const runStart = performance.now();
  const body = () => {
    const imports: Record<string, Record<string, unknown>> = { [WASI_MODULE]: wasi.imports };
    if (c.memoryImport !== undefined) {
      memory = engine.createMemory(c.memoryMin, maxPages);
      imports[c.memoryImport.module] ??= {};
      imports[c.memoryImport.module][c.memoryImport.name] = memory;
      wasi.setMemory(memory);
    }
    instance = engine.instantiate(c.module, imports, {
      fuel: limits.fuel,
      deadline: Date.now() + timeoutMs,
      maxMemoryPages: maxPages,
    });
    if (memory === undefined) {
      const exported = instance.exports.memory as MemoryLike | undefined;
      memory = exported ?? { buffer: new ArrayBuffer(0) };
      wasi.setMemory(memory);
    }
    if (c.hasInitialize) (instance.exports._initialize as () => void)();
    (instance.exports[job.entry ?? "_start"] as () => void)();
  };
  try {
    if (options.guard) options.guard(body, timeoutMs);
    else body();
  } catch (err) {
    if (err instanceof ProcExit) {
      exitCode = err.code;
      status = err.code === 0 ? "ok" : "exit";
    } else if (err instanceof OutputLimitExceeded) {
      status = "output_limit";
      message = `${err.which} output passed its limit`;
    } else if (err instanceof DeadlineExceeded || err instanceof JobTimeout) {
      status = "timeout";
      message = `wall-clock limit of ${timeoutMs} ms reached`;
    } else if (err instanceof WebAssembly.LinkError) {
      status = "invalid_module";
      message = err.message;
    } else if (err instanceof PhaseError && err.code === "unsupported_import") {
      status = "unsupported_import";
      message = err.message;
    } else {
      const classified = engine.classify(err);
      if (classified === undefined) throw err;
      status = classified.status;
      message = classified.message;
    }
  }
  const wallMs = performance.now() - runStart;
  if (status !== "ok" && status !== "exit") exitCode = -1;

  // A guest that failed while its memory was at the limit ran out of memory.
  if ((status === "trap" || status === "exit") && memory !== undefined) {
    const limitBytes = maxPages * PAGE_BYTES;
    const slack = Math.min(2 * 1024 * 1024, limitBytes / 8);
    if (memory.buffer.byteLength >= limitBytes - slack) {
      message = `memory limit of ${memoryMb} MiB reached` +
        (status === "trap" ? ` (trap: ${message})` : ` (exit code ${exitCode})`);
      status = "memory_limit";
    }
  }
  if ((status === "ok" || status === "exit") && wallMs > timeoutMs) {
    status = "timeout";
    message = `wall-clock limit of ${timeoutMs} ms reached`;
  }

  const stdout = wasi.stdout();
  const stderr = wasi.stderr();
  const files: Record<string, Uint8Array> = {};
  let outputTotal = stdout.length + stderr.length;
  for (const path of job.outputs ?? []) {
    const data = fs.readFile(path);
    if (data === undefined) continue;
    files[path] = data;
    outputTotal += data.length;
  }
  if (outputTotal > maxOutput && status !== "output_limit") {
    status = "output_limit";
    message = `output of ${outputTotal} bytes passed the limit of ${maxOutput}`;
  }
  if (status !== "ok" && status !== "exit") exitCode = -1;
  const result: JobResult = {
    status,
    exitCode,
    stdout,
    stderr,
    files,
    wallMs,
    startedAt,
    engine: engine.name,
  };
  if (message !== undefined) result.message = message;
  if (status === "trap") result.trapMessage = message;
  const fuel = instance?.fuelUsed?.();
  if (fuel !== undefined) result.fuelUsed = fuel;
  return result;
}

interface CompiledEntry {
  module: unknown;
  memoryImport?: { module: string; name: string };
  memoryMin: number;
  hasInitialize: boolean;
}
