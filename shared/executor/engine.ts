/**
 * Engines that run a prepared module: `jit` is the host's own `WebAssembly`
 * (V8 in Deno, Chromium and workerd); `interp` is Phase's interpreter
 * (shared/executor/interpreter/), which runs where code generation is banned
 * and meters fuel. Both take the same WASI import object.
 *
 * @module
 */

import { PhaseError } from "../errors.ts";
import type { JobStatus } from "./status.ts";
import type { MemoryLike } from "./wasi.ts";

/** Engine names; `auto` picks `jit` where the host can compile bytes, else `interp`. */
export type EngineName = "jit" | "interp";

/** Options of {@linkcode Engine.instantiate}. */
export interface InstantiateOptions {
  /** Fuel limit (interp only). */
  fuel?: number | bigint;
  /** Deadline, ms since the epoch (interp checks it periodically). */
  deadline?: number;
  /** Memory limit in pages. */
  maxMemoryPages?: number;
}

/** An instantiated module. */
export interface EngineInstance {
  exports: Record<string, unknown>;
  /** Executed-instruction count, where the engine meters it. */
  fuelUsed?: () => number;
}

/** A failure mapped to a job status. */
export interface Classified {
  status: JobStatus;
  message: string;
}

/** What the executor needs from an engine. */
export interface Engine {
  readonly name: EngineName;
  /** Compiles and validates; throws PhaseError `invalid_module` on bad bytes. */
  compile(bytes: Uint8Array): unknown;
  /** Instantiates a compiled module with an import object. */
  instantiate(
    module: unknown,
    imports: Record<string, Record<string, unknown>>,
    options: InstantiateOptions,
  ): EngineInstance;
  /** Creates a memory for modules that import one. */
  createMemory(minPages: number, maxPages: number): MemoryLike;
  /** Maps an error the guest run threw to a status, or undefined if it is not the guest's. */
  classify(err: unknown): Classified | undefined;
}

/** The interpreter's API, as shared/executor/interpreter/mod.ts exports it. */
export interface InterpreterApi {
  compileModule(bytes: Uint8Array): unknown;
  instantiate(
    mod: unknown,
    importObject: Record<string, Record<string, unknown>>,
    options?: { fuel?: bigint | number; deadline?: number; maxMemoryPages?: number },
  ): { exports: Record<string, unknown>; fuelUsed(): number };
  /** Optional: a memory object for modules that import theirs. */
  createMemory?(minPages: number, maxPages: number): MemoryLike;
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : (err as { constructor?: { name?: string } })
    ?.constructor?.name ?? "";
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Maps common V8 failures while the guest runs. */
function classifyV8(err: unknown): Classified | undefined {
  if (err instanceof WebAssembly.RuntimeError) return { status: "trap", message: err.message };
  if (err instanceof RangeError) {
    const msg = err.message;
    if (/call stack/i.test(msg)) return { status: "trap", message: "call stack exhausted" };
    if (/memory|allocat/i.test(msg)) return { status: "memory_limit", message: msg };
  }
  return undefined;
}

/** The host's WebAssembly (V8), as an engine. */
export const jitEngine: Engine = {
  name: "jit",
  compile(bytes) {
    try {
      return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    } catch (err) {
      if (err instanceof WebAssembly.CompileError) {
        throw new PhaseError(
          "invalid_module",
          err.message.replace(/^WebAssembly\.Module\(\): /, ""),
        );
      }
      throw err;
    }
  },
  instantiate(module, imports) {
    const instance = new WebAssembly.Instance(
      module as WebAssembly.Module,
      imports as WebAssembly.Imports,
    );
    return { exports: instance.exports as Record<string, unknown> };
  },
  createMemory(minPages, maxPages) {
    return new WebAssembly.Memory({ initial: minPages, maximum: maxPages });
  },
  classify: classifyV8,
};

/** Wraps the interpreter's API as an engine. */
export function createInterpEngine(api: InterpreterApi): Engine {
  return {
    name: "interp",
    compile(bytes) {
      try {
        return api.compileModule(bytes);
      } catch (err) {
        if (err instanceof PhaseError) {
          throw err.code === "invalid_module"
            ? err
            : new PhaseError("invalid_module", err.message, { cause: err });
        }
        throw err;
      }
    },
    instantiate(module, imports, options) {
      const inst = api.instantiate(module, imports, options);
      return { exports: inst.exports, fuelUsed: () => inst.fuelUsed() };
    },
    createMemory(minPages, maxPages) {
      if (api.createMemory === undefined) {
        throw new PhaseError("unsupported_import", "the interpreter cannot import memories");
      }
      return api.createMemory(minPages, maxPages);
    },
    classify(err) {
      switch (errorName(err)) {
        case "WasmTrap":
          return { status: "trap", message: errorMessage(err) };
        case "FuelExhausted":
          return { status: "fuel_exhausted", message: errorMessage(err) || "fuel exhausted" };
        case "InterpTimeout":
          return { status: "timeout", message: "wall-clock limit reached" };
        case "WasmMemoryLimit":
          return { status: "memory_limit", message: errorMessage(err) };
      }
      if (err instanceof RangeError && /call stack/i.test(err.message)) {
        return { status: "trap", message: "call stack exhausted" };
      }
      return undefined;
    },
  };
}

let interp: Engine | undefined;

/** Makes the interpreter available (bundles for workers import it statically and register it). */
export function registerInterpreter(api: InterpreterApi): Engine {
  interp = createInterpEngine(api);
  return interp;
}

/** True when this host may compile WebAssembly from bytes at run time. */
export function canCompileWasm(): boolean {
  if (typeof WebAssembly?.Module !== "function") return false;
  try {
    // The smallest valid module: header only.
    new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the engine for a name. `interp` loads shared/executor/interpreter/
 * on first use unless it was registered; `auto` is `jit` where compiling bytes
 * works, else `interp`.
 */
export async function loadEngine(name: EngineName | "auto"): Promise<Engine> {
  if (name === "auto") name = canCompileWasm() ? "jit" : "interp";
  if (name === "jit") return jitEngine;
  if (name !== "interp") throw new PhaseError("unknown_engine", `unknown engine ${name}`);
  if (interp !== undefined) return interp;
  // Computed specifier: the interpreter is a separate component and may be absent.
  const specifier = "./interpreter/mod.ts";
  let api: InterpreterApi;
  try {
    api = await import(specifier) as InterpreterApi;
  } catch (err) {
    throw new PhaseError(
      "engine_unavailable",
      `the interpreter engine is not available here (${errorMessage(err).split("\n")[0]})`,
      { cause: err },
    );
  }
  if (typeof api.compileModule !== "function" || typeof api.instantiate !== "function") {
    throw new PhaseError("engine_unavailable", "the interpreter module lacks compileModule");
  }
  return registerInterpreter(api);
}
