// The interpreter's speed over the course of one sha256 run: milliseconds per
// 2^28 wasm instructions, and at each of those marks a short V8 (JIT) run of
// the same module (sha256 over 2 MiB) as a reference. On a machine whose speed
// drifts, the reference tells a slower machine (both columns slower) from a
// slower interpreter (deoptimization, tier-up: only the interpreter slower).
// Usage: deno run -A tests/bench/interp_timeline.ts [MiB=64] [runs=1]
// (runs > 1: that many runs in one process, each on a new instance.)
import { compileModule, instantiate } from "../../shared/executor/interpreter/mod.ts";
// Internal: the hook below counts chunks of fuel as `Machine.run` refuels.
import { Machine } from "../../shared/executor/interpreter/_exec.ts";
import { ProcExit, Wasi } from "../../shared/executor/wasi.ts";

const mib = Deno.args[0] ?? "64";
const runs = Number(Deno.args[1] ?? 1);
const sha = await Deno.readFile(new URL("../testdata/sha256.wasm", import.meta.url));
const SLICE = 2 ** 28;
const jitModule = new WebAssembly.Module(sha);

/** Runs sha256 over `size` MiB on V8 (or the interpreter); returns ms and the instance. */
function runSha(size: string, engine: "jit" | "interp"): number {
  const wasi = new Wasi({ args: ["sha256", size] });
  const imports = { wasi_snapshot_preview1: wasi.imports };
  const exports = engine === "jit"
    ? new WebAssembly.Instance(jitModule, imports as unknown as WebAssembly.Imports).exports
    : instantiate(compileModule(sha), imports as Record<string, Record<string, unknown>>).exports;
  wasi.setMemory(exports.memory as { buffer: ArrayBuffer });
  const t = performance.now();
  try {
    (exports._start as () => void)();
  } catch (e) {
    if (!(e instanceof ProcExit)) throw e;
  }
  return performance.now() - t;
}

let next = SLICE, last = 0, refMs = 0;
const slices: string[] = [];
const refuel = Machine.prototype.refuel;
Machine.prototype.refuel = function (this: Machine, c: number, pc: number, left: number) {
  const r = refuel.call(this, c, pc, left);
  if (this.used >= next) {
    const now = performance.now();
    slices.push(`${(now - last - refMs).toFixed(0)}/${(refMs = runSha("2", "jit")).toFixed(1)}`);
    last = now;
    next += SLICE;
  }
  return r;
};

for (let run = 0; run < runs; run++) {
  next = SLICE;
  refMs = 0;
  slices.length = 0;
  last = performance.now();
  const total = runSha(mib, "interp");
  console.log(
    `run ${run + 1}: ${total.toFixed(0)} ms in all (V8 reference runs included); ` +
      `per 2^28 instructions, interpreter ms/V8 2 MiB ms: ${slices.join(" ")}`,
  );
}
