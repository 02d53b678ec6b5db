// One sha256 run (tests/testdata/sha256.wasm) on V8 or on Phase's interpreter,
// for the interpreter benchmarks.
import { compileModule, instantiate } from "../../shared/executor/interpreter/mod.ts";
import { ProcExit, Wasi } from "../../shared/executor/wasi.ts";

/** What one run gave: wall time of `_start`, the printed digest, the fuel (interpreter only). */
export interface ShaRun {
  ms: number;
  out: string;
  fuel?: number;
}

/**
 * Runs sha256 over `mib` MiB of the module `bytes` on `engine`; only `_start`
 * is timed. `module`: a compiled V8 module to reuse (else compiled here).
 */
export function runSha(
  bytes: Uint8Array,
  mib: string,
  options: { engine: "jit" | "interp"; module?: WebAssembly.Module },
): ShaRun {
  const wasi = new Wasi({ args: ["sha256", mib] });
  const imports = { wasi_snapshot_preview1: wasi.imports };
  const interp = options.engine === "interp"
    ? instantiate(compileModule(bytes), imports as never)
    : null;
  const exports = interp?.exports ?? new WebAssembly.Instance(
    options.module ?? new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
    imports as unknown as WebAssembly.Imports,
  ).exports;
  wasi.setMemory(exports.memory as { buffer: ArrayBuffer });
  const t = performance.now();
  try {
    (exports._start as () => void)();
  } catch (e) {
    if (!(e instanceof ProcExit)) throw e;
  }
  const ms = performance.now() - t;
  return { ms, out: new TextDecoder().decode(wasi.stdout()).trim(), fuel: interp?.fuelUsed() };
}
