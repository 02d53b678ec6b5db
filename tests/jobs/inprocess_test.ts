// The job protocol end to end inside one process: a real libp2p relay
// (circuit-relay-v2 + gossipsub), executor nodes running real WebAssembly
// through the shared executor, and a submitter that verifies receipts.
// The multi-process suite (relay + `phase node` + `phase submit`) is in
// network_test.ts; this one exercises the scheduler's edge cases quickly.

import { generateKeyPair, sha256Hex } from "../../shared/crypto/mod.ts";
import { buildManifest } from "../../shared/manifest/mod.ts";
import { verifyReceipt } from "../../shared/receipt/mod.ts";
import type { ExecuteJob } from "../../shared/node/mod.ts";
import { createSubmitter, JobFailedError } from "../../shared/scheduler/mod.ts";
import { submitJob } from "../../shared/client/mod.ts";
import { JOB_TOPIC } from "../../shared/protocol/mod.ts";
import { assert, assertEquals, assertRejects } from "../../shared/testing/mod.ts";
import { execute, network } from "./_inprocess_net.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const hello = await Deno.readFile(new URL("../testdata/hello.wasm", import.meta.url));
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

function job(redundancy = 1, extra: { timeoutMs?: number; deadlineMs?: number } = {}) {
  const keyPair = generateKeyPair();
  const stdin = new TextEncoder().encode("from stdin");
  const manifest = buildManifest({
    module: { sha256: sha256Hex(hello), size: hello.length },
    args: ["a b", "c"],
    env: { GREETING: "hi" },
    stdin: { sha256: sha256Hex(stdin), size: stdin.length },
    redundancy,
    limits: { timeoutMs: extra.timeoutMs ?? 5000, memoryMb: 64 },
    deadline: Date.now() + (extra.deadlineMs ?? 20_000),
  }, keyPair);
  return { manifest, module: hello, stdin };
}

Deno.test("a job runs on another node and its receipt verifies", opts, async () => {
  const net = await network([execute]);
  try {
    const submitter = await createSubmitter(net.submitterNode, { topic: JOB_TOPIC });
    const request = job();
    const result = await submitter.run(request);
    assertEquals(result.output.status, "ok");
    const out = decode(result.output.stdout);
    assert(out.includes("a b") && out.includes("GREETING=hi"), out);
    assertEquals(result.receipts.length, 1);
    const receipt = verifyReceipt(result.receipts[0], {
      manifest: request.manifest,
      output: result.output,
    });
    assertEquals(receipt.executorPeerId, net.nodes[0].peerId.toString());
    await submitter.stop();
  } finally {
    await net.stop();
  }
});

Deno.test("a lying executor is outvoted and reported with redundancy 2", opts, async () => {
  const liar: ExecuteJob = async (...args) => {
    const r = await execute(...args);
    return { ...r, stdout: new TextEncoder().encode("forged output\n") };
  };
  const net = await network([liar, execute, execute]);
  try {
    const submitter = await createSubmitter(net.submitterNode, { topic: JOB_TOPIC });
    const result = await submitter.run(job(2));
    assertEquals(result.agreed.length, 2);
    assert(!decode(result.output.stdout).includes("forged"));
    const liarId = net.nodes[0].peerId.toString();
    assert(!result.agreed.includes(liarId));
    // The liar takes part only when it won an offer race; when it did, it is reported.
    const liarTried = result.attempts.some((a) => a.executor === liarId);
    assertEquals(result.disagreed.includes(liarId), liarTried);
    await submitter.stop();
  } finally {
    await net.stop();
  }
});

Deno.test("an executor that fails mid-job is replaced", opts, async () => {
  let crashed = 0;
  const crashing: ExecuteJob = () => {
    crashed++;
    return Promise.reject(new Error("host crashed"));
  };
  const net = await network([crashing, execute]);
  try {
    const submitter = await createSubmitter(net.submitterNode, { topic: JOB_TOPIC });
    const result = await submitter.run(job(1));
    assertEquals(result.output.status, "ok");
    assertEquals(result.agreed, [net.nodes[1].peerId.toString()]);
    if (crashed > 0) {
      assert(result.attempts.some((a) => a.outcome === "failed" && a.reason?.includes("crashed")));
    }
    await submitter.stop();
  } finally {
    await net.stop();
  }
});

Deno.test("a job nobody can take fails with every reason before its deadline", opts, async () => {
  const net = await network([execute]);
  try {
    const submitter = await createSubmitter(net.submitterNode, { topic: JOB_TOPIC });
    // Redundancy 2 with one executor: it can never reach a quorum.
    const started = Date.now();
    const err = await assertRejects(
      () => submitter.run(job(2, { timeoutMs: 1000, deadlineMs: 3000 })),
      JobFailedError,
    );
    assertEquals(err.code, "job_deadline");
    assert(Date.now() - started < 4000);
    await submitter.stop();
  } finally {
    await net.stop();
  }
});

Deno.test("20 concurrent jobs all complete once each", opts, async () => {
  const net = await network([execute, execute, execute]);
  try {
    const submitter = await createSubmitter(net.submitterNode, { topic: JOB_TOPIC });
    const jobs = Array.from({ length: 20 }, () => job(1));
    const results = await Promise.all(jobs.map((j) => submitter.run(j)));
    for (const [i, r] of results.entries()) {
      assertEquals(r.manifest.id, jobs[i].manifest.id);
      assertEquals(r.output.status, "ok");
    }
    const ids = net.ran.map((line) => line.split(":")[1]);
    assertEquals(new Set(ids).size, 20);
    assertEquals(ids.length, 20); // none ran twice
    await submitter.stop();
  } finally {
    await net.stop();
  }
});

Deno.test("submitJob builds, signs and runs a job with inputs and outputs", opts, async () => {
  const net = await network([execute]);
  try {
    const submitter = await createSubmitter(net.submitterNode, { topic: JOB_TOPIC });
    const keyPair = generateKeyPair();
    const result = await submitJob(submitter, {
      module: hello,
      args: ["--stdin", "--write", "/result.txt", "written"],
      stdin: new TextEncoder().encode("abc"),
      files: new Map([["/data/in.txt", new TextEncoder().encode("input")]]),
      outputs: ["/result.txt"],
      limits: { timeoutMs: 5000 },
    }, { keyPair });
    assertEquals(result.output.status, "ok");
    assert(decode(result.output.stdout).includes("abcstdin bytes: 3"));
    assertEquals(decode(result.output.files["/result.txt"]), "written");
    assertEquals(Object.keys(result.manifest.files), ["/data/in.txt"]);
    verifyReceipt(result.receipts[0], { manifest: result.manifest, output: result.output });
    await submitter.stop();
  } finally {
    await net.stop();
  }
});
