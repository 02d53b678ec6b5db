// The interpreter's speed over the course of one sha256 run: milliseconds per
// 2^28 wasm instructions, and at each of those marks a short V8 (JIT) run of
// the same module (sha256 over 2 MiB) as a reference. On a machine whose speed
// drifts, the reference tells a slower machine (both columns slower) from a
// slower interpreter (deoptimization, tier-up: only the interpreter slower).
// The summary gives the median of the per-slice speed ratios (interpreter ns
// per instruction over V8's in the reference run next to it, the first slice
// left out as warm-up): a ratio taken within the same machine phase.
// Usage: deno run -A tests/bench/interp_timeline.ts [MiB=64] [runs=1]
// (runs > 1: that many runs in one process, each on a new instance.)
// Internal: the hook below counts chunks of fuel as `Machine.run` refuels.
import { Machine } from "../../shared/executor/interpreter/_exec.ts";
import { runSha } from "./_sha_run.ts";
import { median } from "./_stats.ts";

const mib = Deno.args[0] ?? "64";
const runs = Number(Deno.args[1] ?? 1);
const sha = await Deno.readFile(new URL("../testdata/sha256.wasm", import.meta.url));
const SLICE = 2 ** 28;
const jitModule = new WebAssembly.Module(sha);
const sha256 = (size: string, engine: "jit" | "interp") =>
  runSha(sha, size, { engine, module: jitModule });

// Instructions of the 2 MiB reference run (the interpreter counts them).
const refInstructions = sha256("2", "interp").fuel!;

let next = SLICE, last = 0, refMs = 0;
const slices: string[] = [];
const ratios: number[] = [];
const refuel = Machine.prototype.refuel;
Machine.prototype.refuel = function (this: Machine, c: number, pc: number, left: number) {
  const r = refuel.call(this, c, pc, left);
  if (this.used >= next) {
    const now = performance.now();
    const ms = now - last - refMs;
    refMs = sha256("2", "jit").ms;
    slices.push(`${ms.toFixed(0)}/${refMs.toFixed(1)}`);
    if (slices.length > 1) ratios.push((ms / SLICE) / (refMs / refInstructions));
    last = now;
    next += SLICE;
  }
  return r;
};

for (let run = 0; run < runs; run++) {
  next = SLICE;
  refMs = 0;
  slices.length = 0;
  ratios.length = 0;
  last = performance.now();
  const total = sha256(mib, "interp").ms;
  console.log(
    `run ${run + 1}: ${total.toFixed(0)} ms in all (V8 reference runs included); ` +
      `per 2^28 instructions, interpreter ms/V8 2 MiB ms: ${slices.join(" ")}`,
  );
  if (ratios.length) {
    const sorted = [...ratios].sort((a, b) => a - b);
    console.log(
      `run ${run + 1}: per-slice ratio interpreter/V8 (same phase): median ${
        median(ratios).toFixed(1)
      }x, range ${sorted[0].toFixed(1)}-${sorted[sorted.length - 1].toFixed(1)}x ` +
        `(${ratios.length} slices; V8 reference: ${refInstructions} instructions)`,
    );
  }
}
