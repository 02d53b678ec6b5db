// Executor figures:
// - `phase run hello.wasm` end to end (process start -> exit), median;
// - in-process job overhead for hello (instantiate + run + receipt), median;
// - hello jobs per second on one warm executor (Deno host, one Worker);
// - sha256 over 64 MiB through the executor vs the same C built natively
//   with gcc -O2, same machine, same run.
//
// deno run -A tests/bench/executor_bench.ts [--mib 64]

import { DenoHost } from "../../cli/host/mod.ts";
import { phase } from "../_processes.ts";
import { runJob } from "../../shared/executor/mod.ts";
import { buildReceipt, outputSha256 } from "../../shared/receipt/mod.ts";
import { generateKeyPair } from "../../shared/crypto/mod.ts";
import { median } from "./_stats.ts";

const mibArg = Deno.args.indexOf("--mib");
const MIB = mibArg >= 0 ? Number(Deno.args[mibArg + 1]) : 64;
const testdata = new URL("../testdata/", import.meta.url).pathname;
const hello = await Deno.readFile(`${testdata}hello.wasm`);

// phase run end to end.
const home = await Deno.makeTempDir();
const e2e: number[] = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  const r = await phase(["run", `${testdata}hello.wasm`], { env: { PHASE_HOME: home } });
  e2e.push(performance.now() - t);
  if (r.code !== 0) throw new Error(r.stderr);
}
console.log(
  `phase run hello.wasm, process start -> exit: median ${median(e2e).toFixed(0)} ms (10 runs)`,
);

// In-process overhead: compile cached, instantiate + run + signed receipt.
const keyPair = generateKeyPair();
const cache = new Map<string, unknown>();
const overhead: number[] = [];
for (let i = 0; i < 300; i++) {
  const t = performance.now();
  const r = await runJob(hello, { args: ["x"] }, { cache, moduleKey: "hello" });
  buildReceipt({
    jobId: "0".repeat(64),
    moduleSha256: "1".repeat(64),
    inputSha256: "2".repeat(64),
    outputSha256: outputSha256(r),
    status: r.status,
    exitCode: r.exitCode,
    startedAt: r.startedAt,
    wallMs: r.wallMs,
    runtime: { kind: "deno", engine: "v8" },
  }, keyPair);
  overhead.push(performance.now() - t);
}
console.log(
  `in-process hello job (instantiate + run + signed receipt, module compiled once): median ${
    median(overhead.slice(20)).toFixed(3)
  } ms`,
);

// Jobs per second on one warm Worker.
const host = new DenoHost(1);
await host.run(hello, {}, { moduleKey: "hello" });
const N = 2000;
let t = performance.now();
for (let i = 0; i < N; i++) await host.run(hello, { args: [String(i)] }, { moduleKey: "hello" });
const s = (performance.now() - t) / 1000;
console.log(`hello jobs/s on one warm executor Worker (sequential): ${(N / s).toFixed(0)}`);

// sha256 over MIB MiB: executor vs native gcc -O2.
const sha = await Deno.readFile(`${testdata}sha256.wasm`);
t = performance.now();
const wasm = await host.run(sha, { args: [String(MIB)], limits: { timeoutMs: 120_000 } });
const wasmS = (performance.now() - t) / 1000;
host.close();
const dir = await Deno.makeTempDir();
const gcc = await new Deno.Command("gcc", {
  args: ["-O2", "-o", `${dir}/sha256`, `${testdata}sha256.c`],
}).output();
if (!gcc.success) throw new Error(new TextDecoder().decode(gcc.stderr));
t = performance.now();
const native = await new Deno.Command(`${dir}/sha256`, { args: [String(MIB)] }).output();
const nativeS = (performance.now() - t) / 1000;
const same = new TextDecoder().decode(native.stdout) === new TextDecoder().decode(wasm.stdout);
console.log(
  `sha256 over ${MIB} MiB: executor (V8, Worker) ${wasmS.toFixed(2)} s, native gcc -O2 ${
    nativeS.toFixed(2)
  } s, ratio ${(wasmS / nativeS).toFixed(2)}x (outputs ${same ? "identical" : "DIFFER"})`,
);
await Deno.remove(dir, { recursive: true });
await Deno.remove(home, { recursive: true });
