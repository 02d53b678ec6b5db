// Jobs across the network, in one process (real libp2p relay, executor
// nodes and submitter; hello.wasm run by the shared executor):
// - warm latency: submit -> verified result, sequential, median and p99;
// - throughput with 3 executor nodes, redundancy 1 and 2;
// - module transfer: a 10 MB module, first run vs cached run.
//
// deno run -A tests/bench/jobs_bench.ts [--jobs 500]

import { generateKeyPair, sha256Hex } from "../../shared/crypto/mod.ts";
import { buildManifest } from "../../shared/manifest/mod.ts";
import { createSubmitter } from "../../shared/scheduler/mod.ts";
import { JOB_TOPIC } from "../../shared/protocol/mod.ts";
import { execute, network } from "../jobs/_inprocess_net.ts";
import { percentile } from "./_stats.ts";

const jobsArg = Deno.args.indexOf("--jobs");
const N = jobsArg >= 0 ? Number(Deno.args[jobsArg + 1]) : 500;
const hello = await Deno.readFile(new URL("../testdata/hello.wasm", import.meta.url));
const keyPair = generateKeyPair();

function job(module: Uint8Array, redundancy = 1) {
  const manifest = buildManifest({
    module: { sha256: sha256Hex(module), size: module.length },
    args: ["bench"],
    redundancy,
    limits: { timeoutMs: 5000, memoryMb: 64 },
    deadline: Date.now() + 60_000,
  }, keyPair);
  return { manifest, module };
}

/** hello.wasm plus a custom section, so the module is `size` bytes. */
function padded(size: number): Uint8Array {
  const name = new TextEncoder().encode("pad");
  const payloadLen = size - hello.length - 1 - 5; // id byte + 5-byte LEB
  const out = new Uint8Array(size);
  out.set(hello);
  let o = hello.length;
  out[o++] = 0; // custom section
  let n = payloadLen;
  for (let i = 0; i < 5; i++) {
    out[o++] = (n & 0x7f) | (i < 4 ? 0x80 : 0);
    n >>>= 7;
  }
  out[o++] = name.length;
  out.set(name, o);
  return out;
}

const net = await network([execute, execute, execute], { slots: 2 });
const submitter = await createSubmitter(net.submitterNode, { topic: JOB_TOPIC });
try {
  // Warm-up so connections exist and the module is cached.
  for (let i = 0; i < 20; i++) await submitter.run(job(hello));

  const times: number[] = [];
  const benchStart = Date.now();
  for (let i = 0; i < N && Date.now() - benchStart < 120_000; i++) {
    const t = performance.now();
    await submitter.run(job(hello));
    times.push(performance.now() - t);
  }
  console.log(
    `warm submit -> verified result (hello, ${times.length} sequential jobs): ` +
      `median ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`,
  );

  for (const redundancy of [1, 2]) {
    const total = 300;
    const concurrency = 30;
    let next = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          next++;
          await submitter.run(job(hello, redundancy));
        }
      }),
    );
    const s = (performance.now() - t) / 1000;
    console.log(
      `throughput, 3 executor nodes x 2 slots, redundancy ${redundancy}: ` +
        `${(total / s).toFixed(0)} jobs/s (${total} jobs, ${concurrency} in flight)`,
    );
  }

  const big = padded(10 * 1024 * 1024);
  const first = performance.now();
  await submitter.run(job(big));
  const firstMs = performance.now() - first;
  const cachedRuns: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await submitter.run(job(big));
    cachedRuns.push(performance.now() - t);
  }
  console.log(
    `10 MB module: first run ${firstMs.toFixed(0)} ms (module sent over the relayed stream), ` +
      `cached runs median ${
        percentile(cachedRuns, 50).toFixed(0)
      } ms (5 runs; executors that had it skip the transfer)`,
  );
} finally {
  await submitter.stop();
  await net.stop();
}
Deno.exit(0);
