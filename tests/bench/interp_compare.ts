// Interpreter vs V8 (JIT) on the same machine: sha256 over N MiB (C, clang
// -O2, tests/testdata/sha256.wasm) and a 10^8-step counting loop (WAT).
// Usage: deno run -A tests/bench/interp_compare.ts [MiB=64] [loopSteps=100000000] [rounds=1]
// With rounds > 1 each workload runs that many times, V8 and the interpreter
// alternating (which goes first alternates too), and a summary line gives the
// median of the per-round ratios: on a machine whose speed drifts, a ratio
// from back-to-back runs is steadier than one from a single pair.
import { compileModule, instantiate } from "../../shared/executor/interpreter/mod.ts";
import { runSha, type ShaRun } from "./_sha_run.ts";
import { median } from "./_stats.ts";

const mib = Deno.args[0] ?? "64";
const steps = Number(Deno.args[1] ?? 100_000_000);
const rounds = Number(Deno.args[2] ?? 1);
const sha = await Deno.readFile(new URL("../testdata/sha256.wasm", import.meta.url));

function shaRound(engine: "jit" | "interp"): ShaRun {
  return runSha(sha, mib, { engine });
}

// loop: i from n down to 0, acc += i (i64 accumulator, i32 counter)
const wabt = await (await import("wabt")).default();
const loopWasm = wabt.parseWat(
  "loop.wat",
  `(module
  (func (export "run") (param i32) (result i64) (local i64)
    block loop
      local.get 0 i32.eqz br_if 1
      local.get 1 local.get 0 i64.extend_i32_u i64.add local.set 1
      local.get 0 i32.const 1 i32.sub local.set 0
      br 0
    end end
    local.get 1))`,
  {},
).toBinary({}).buffer;

function runLoop(engine: "jit" | "interp") {
  let run: (n: number) => bigint, fuel: (() => number) | undefined;
  if (engine === "jit") {
    run = new WebAssembly.Instance(new WebAssembly.Module(loopWasm as Uint8Array<ArrayBuffer>))
      .exports.run as typeof run;
  } else {
    const inst = instantiate(compileModule(loopWasm), {});
    run = inst.exports.run as typeof run;
    fuel = inst.fuelUsed;
  }
  const t = performance.now();
  const r = run(steps);
  return { ms: performance.now() - t, out: String(r), fuel: fuel?.() };
}

for (
  const [name, fn] of [["sha256 " + mib + " MiB", shaRound], ["loop " + steps, runLoop]] as const
) {
  const ratios: number[] = [], jits: number[] = [], interps: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let jit, interp;
    if (round % 2 === 0) {
      jit = fn("jit");
      interp = fn("interp");
    } else {
      interp = fn("interp");
      jit = fn("jit");
    }
    if (jit.out !== interp.out) {
      throw new Error(`${name}: outputs differ: ${jit.out} vs ${interp.out}`);
    }
    ratios.push(interp.ms / jit.ms);
    jits.push(jit.ms);
    interps.push(interp.ms);
    console.log(
      `${name}: jit ${jit.ms.toFixed(0)} ms, interp ${interp.ms.toFixed(0)} ms, ratio ${
        (interp.ms / jit.ms).toFixed(1)
      }x, ${interp.fuel} instructions, ${
        (interp.fuel! / interp.ms / 1000).toFixed(0)
      } M instr/s (interp)`,
    );
  }
  if (rounds > 1) {
    console.log(
      `${name}, ${rounds} rounds: median jit ${median(jits).toFixed(0)} ms, median interp ${
        median(interps).toFixed(0)
      } ms, median ratio ${median(ratios).toFixed(1)}x (range ${Math.min(...ratios).toFixed(1)}-${
        Math.max(...ratios).toFixed(1)
      }x)`,
    );
  }
}
