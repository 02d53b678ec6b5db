/**
 * The WebAssembly executor: WASI preview1 over an in-memory filesystem,
 * module preparation and limits, engines (`jit` = host WebAssembly, `interp`
 * = Phase's interpreter) and {@linkcode runJob}, which runs one job in the
 * current thread. Runtime hosts (a Deno Worker pool in cli/host/, a Web
 * Worker in web-node/, the edge worker) call `runJob` inside their isolate and
 * enforce the wall-clock limit with a `guard`.
 *
 * @example
 * ```ts
 * import { runJob } from "./mod.ts";
 * const result = await runJob(wasmBytes, { args: ["hi"], limits: { memoryMb: 64 } });
 * console.log(result.status, new TextDecoder().decode(result.stdout));
 * ```
 *
 * @module
 */

export { DEFAULT_LIMITS, JobTimeout, runJob, runJobSync } from "./run.ts";
export type { Guard, JobLimits, JobResult, JobSpec, RunJobOptions } from "./run.ts";
export { isJobStatus, JOB_STATUSES } from "./status.ts";
export { createVmGuard } from "./vm_guard.ts";
export type { VmModule } from "./vm_guard.ts";
export type { JobStatus } from "./status.ts";
export {
  canCompileWasm,
  createInterpEngine,
  jitEngine,
  loadEngine,
  registerInterpreter,
} from "./engine.ts";
export type { Engine, EngineName, InterpreterApi } from "./engine.ts";
export {
  DEFAULT_MAX_MEMORY_PAGES,
  DEFAULT_MAX_MODULE_BYTES,
  inspectModule,
  PAGE_BYTES,
  PrepareError,
  prepareModule,
  WASI_MODULE,
} from "./prepare.ts";
export type { ModuleInfo, PreparedModule, PrepareOptions } from "./prepare.ts";
export { DeadlineExceeded, OutputLimitExceeded, ProcExit, Wasi } from "./wasi.ts";
export type { ClockMode, MemoryLike, WasiOptions } from "./wasi.ts";
export { MemFs } from "./memfs.ts";
