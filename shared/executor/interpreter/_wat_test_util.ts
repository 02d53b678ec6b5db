// Test helpers: assemble WAT with npm wabt and run the same module on V8 and
// on the interpreter.
import { compileModule, instantiate } from "./mod.ts";
import { opLength } from "./_ops.ts";

let wabtP:
  | Promise<
    {
      parseWat: (
        n: string,
        t: string,
        f?: object,
      ) => { toBinary: (o: object) => { buffer: Uint8Array } };
    }
  >
  | undefined;

/** Assembles WAT text. */
export async function wat(text: string): Promise<Uint8Array> {
  // deno-lint-ignore no-explicit-any
  wabtP ??= (import("wabt") as Promise<any>).then((m) => m.default());
  const w = await wabtP;
  return w.parseWat("t.wat", text, {
    multi_value: true,
    bulk_memory: true,
    reference_types: true,
    sat_float_to_int: true,
    sign_extension: true,
    mutable_globals: true,
  }).toBinary({}).buffer;
}

/** Outcome of a call: a value or a trap/error description. */
export type Outcome = { ok: unknown } | { err: string };

/** Calls fn with args and captures the outcome. */
export function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: fn() };
  } catch (err) {
    const e = err as Error;
    if (e instanceof RangeError && /call stack/i.test(e.message)) return { err: "stack" };
    if (e.name === "WasmTrap" && e.message === "call stack exhausted") return { err: "stack" };
    return { err: e.message };
  }
}

/** Instantiates a module on both engines. */
export function both(bytes: Uint8Array, imports: Record<string, Record<string, unknown>> = {}) {
  const v8 = new WebAssembly.Instance(
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
    imports as WebAssembly.Imports,
  );
  const it = instantiate(compileModule(bytes), imports);
  return {
    // deno-lint-ignore no-explicit-any
    v8: v8.exports as Record<string, any>,
    // deno-lint-ignore no-explicit-any
    interp: it.exports as Record<string, any>,
    fuelUsed: it.fuelUsed,
  };
}

/** The pc of every op in `code` (walked by op length, so operand words never count as ops). */
export function opPcs(code: Int32Array): number[] {
  const pcs = [];
  for (let pc = 0; pc < code.length; pc += opLength(code, pc)) pcs.push(pc);
  return pcs;
}

/** How many ops in `code` satisfy `is` (given the op number and its pc). */
export function countOps(code: Int32Array, is: (op: number, pc: number) => boolean): number {
  return opPcs(code).filter((pc) => is(code[pc], pc)).length;
}
