// Cold submit: `phase submit hello.wasm` as a fresh process (start -> the
// verified result printed and the process exited), with a relay process and
// one `phase node` already running. Also times the stages inside the CLI.
//
// deno run -A tests/bench/submit_cold_bench.ts [--runs 10]

import { phase, startNodeProcess, startRelayProcess } from "../_processes.ts";

const runsArg = Deno.args.indexOf("--runs");
const RUNS = runsArg >= 0 ? Number(Deno.args[runsArg + 1]) : 10;

const relay = await startRelayProcess();
const node = await startNodeProcess(relay.httpUrl);
const home = await Deno.makeTempDir({ prefix: "phase-bench-" });
try {
  // One run to create the key and warm Deno's module cache.
  const warm = await phase(["submit", "tests/testdata/hello.wasm", "--relay", relay.httpUrl], {
    env: { PHASE_HOME: home },
  });
  if (warm.code !== 0) throw new Error(`submit failed: ${warm.stderr}`);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const run = await phase(["submit", "tests/testdata/hello.wasm", "--relay", relay.httpUrl], {
      env: { PHASE_HOME: home },
    });
    times.push(performance.now() - t);
    if (run.code !== 0 || !run.stdout.includes("hello from wasm")) {
      throw new Error(`submit failed: ${run.stderr}`);
    }
  }
  const startup = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await phase(["help"]);
    startup.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  startup.sort((a, b) => a - b);
  console.log(
    `cold phase submit hello.wasm (process start -> verified result, ${RUNS} runs): ` +
      `median ${times[Math.floor(RUNS / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)} ms, ` +
      `max ${times.at(-1)!.toFixed(0)} ms; of which \`phase help\` (Deno start + CLI imports) ` +
      `median ${startup[2].toFixed(0)} ms`,
  );
} finally {
  await node.stop();
  await relay.stop();
  await Deno.remove(home, { recursive: true });
}
