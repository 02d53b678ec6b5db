/**
 * A {@linkcode Guard} built on Node's `vm` module (which Deno provides as
 * `node:vm`): the guest runs inside `runInContext` with a timeout, which
 * stops even code spinning in WebAssembly and leaves the isolate usable.
 * The `vm` module is passed in, so this file stays runtime-agnostic.
 *
 * @module
 */

import { type Guard, JobTimeout } from "./run.ts";

/** The part of Node's `vm` module a timeout guard needs. */
export interface VmModule {
  /** Makes a context object (`vm.createContext`). */
  createContext(sandbox: Record<string, unknown>): object;
  /** Runs `code` in `context`, stopping it after `options.timeout` ms (`vm.runInContext`). */
  runInContext(code: string, context: object, options: { timeout: number }): unknown;
}

/** Returns a guard that runs the guest in a `vm` context with the job's wall-clock limit. */
export function createVmGuard(vm: VmModule): Guard {
  const context = vm.createContext({}) as { run?: () => void };
  return (run, timeoutMs) => {
    context.run = run;
    try {
      vm.runInContext("run()", context, { timeout: Math.max(1, Math.ceil(timeoutMs)) });
    } catch (err) {
      if ((err as { code?: string })?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
        throw new JobTimeout();
      }
      throw err;
    } finally {
      context.run = undefined;
    }
  };
}
