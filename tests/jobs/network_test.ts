// Jobs across real processes on loopback: the relay (relay/main.ts),
// executor nodes (`phase node`) and `phase submit` / `phase verify` as
// subprocesses, exactly as a user runs them.

import { assert, assertEquals, assertMatch } from "../../shared/testing/mod.ts";
import { phase, type Proc, startNodeProcess, startRelayProcess } from "../_processes.ts";
import { generateKeyPair, sha256Hex } from "../../shared/crypto/mod.ts";
import { buildManifest } from "../../shared/manifest/mod.ts";
import { createSubmitter } from "../../shared/scheduler/mod.ts";
import { JOB_TOPIC } from "../../shared/protocol/mod.ts";
import { startClientNode } from "../../cli/_p2p.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const HELLO = "tests/testdata/hello.wasm";

async function withNetwork(
  nodeCount: number,
  fn: (relayUrl: string, nodes: (Proc & { peerId: string })[], home: string) => Promise<void>,
  nodeEnv: Record<string, string>[] = [],
) {
  const relay = await startRelayProcess();
  const nodes: (Proc & { peerId: string })[] = [];
  const home = await Deno.makeTempDir({ prefix: "phase-submit-" });
  try {
    nodes.push(
      ...await Promise.all(
        Array.from(
          { length: nodeCount },
          (_, i) => startNodeProcess(relay.httpUrl, { env: nodeEnv[i] ?? {} }),
        ),
      ),
    );
    await fn(relay.httpUrl, nodes, home);
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await relay.stop();
    await Deno.remove(home, { recursive: true });
  }
}

function finished(nodes: Proc[], jobId: string): string[] {
  return nodes.filter((n) => n.json.some((l) => l.event === "finished" && l.jobId === jobId))
    .map((n) => n.json[0].peerId as string);
}

/** The nodes that logged finishing `jobId`, once `count` have (they log just after replying). */
async function finishedBy(nodes: Proc[], jobId: string, count: number): Promise<string[]> {
  const until = Date.now() + 5000;
  while (finished(nodes, jobId).length < count && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return finished(nodes, jobId);
}

Deno.test("phase submit runs hello on a node; phase verify accepts the result", opts, async () => {
  await withNetwork(3, async (relayUrl, nodes, home) => {
    const stdinFile = `${home}/in.txt`;
    await Deno.writeTextFile(stdinFile, "piped in\n");
    const env = { PHASE_HOME: home };
    const plain = await phase(
      [
        "submit",
        HELLO,
        "--relay",
        relayUrl,
        "--env",
        "COLOR=blue",
        "--stdin",
        stdinFile,
        "--",
        "--stdin",
        "x y",
      ],
      { env },
    );
    assertEquals(plain.code, 0, plain.stderr);
    assertMatch(plain.stdout, /hello from wasm/);
    assertMatch(plain.stdout, /env COLOR=blue/);
    assertMatch(plain.stdout, /piped in\nstdin bytes: 9/);
    assertMatch(plain.stdout, /arg\[2\]=x y/);

    const json = await phase(
      [
        "submit",
        HELLO,
        "--relay",
        relayUrl,
        "--json",
        "--output",
        "/out.txt",
        "--",
        "--write",
        "/out.txt",
        "kept",
      ],
      { env },
    );
    assertEquals(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout);
    assertEquals(result.status, "ok");
    assertEquals(result.files["/out.txt"], { data: "kept", encoding: "utf8" });
    assertEquals(result.receipts.length, 1);
    const executor = result.receipts[0].executorPeerId;
    assert(nodes.some((n) => n.peerId === executor), "executor is one of our nodes");
    assertEquals(await finishedBy(nodes, result.manifest.id, 1), [executor]);

    const file = `${home}/result.json`;
    await Deno.writeTextFile(file, json.stdout);
    const ok = await phase(["verify", file]);
    assertEquals(ok.code, 0, ok.stdout + ok.stderr);
    assertMatch(ok.stdout, /verified \(result\)/);

    // Tampering with the output, the receipt or the job is caught offline.
    const tampered = [
      { ...result, stdout: { data: result.stdout.data + "!", encoding: "utf8" } },
      {
        ...result,
        receipts: [{
          ...result.receipts[0],
          signature: result.receipts[0].signature.replace(
            /^./,
            (c: string) => (c === "A" ? "B" : "A"),
          ),
        }],
      },
      { ...result, receipts: [{ ...result.receipts[0], jobId: "0".repeat(64) }] },
      { ...result, manifest: { ...result.manifest, args: ["--exit", "0"] } },
    ];
    for (const doc of tampered) {
      await Deno.writeTextFile(file, JSON.stringify(doc));
      const bad = await phase(["verify", file]);
      assertEquals(bad.code, 1, bad.stdout);
      assertMatch(bad.stdout, /NOT verified/);
    }
  });
});

Deno.test("redundancy 3 agrees across three nodes", opts, async () => {
  await withNetwork(3, async (relayUrl, nodes, home) => {
    const run = await phase(["submit", HELLO, "--relay", relayUrl, "--redundancy", "3", "--json"], {
      env: { PHASE_HOME: home },
    });
    assertEquals(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assertEquals(result.agreed.length, 3);
    assertEquals(
      new Set(result.receipts.map((r: { executorPeerId: string }) => r.executorPeerId)).size,
      3,
    );
    assertEquals((await finishedBy(nodes, result.manifest.id, 3)).length, 3);
  });
});

Deno.test("a lying node is outvoted and reported", opts, async () => {
  const relay = await startRelayProcess();
  const home = await Deno.makeTempDir({ prefix: "phase-submit-" });
  const nodes: Proc[] = [];
  try {
    const liar = await startNodeProcess(relay.httpUrl, { env: { PHASE_TEST_MISBEHAVE: "lie" } });
    const honest = await startNodeProcess(relay.httpUrl);
    nodes.push(liar, honest);
    // Two nodes, redundancy 2: both run it and disagree, so the submitter
    // needs a third opinion; the third node joins a moment later.
    const submit = phase(
      ["submit", HELLO, "--relay", relay.httpUrl, "--redundancy", "2", "--json"],
      {
        env: { PHASE_HOME: home },
      },
    );
    await liar.waitFor((l) => l.event === "finished");
    nodes.push(await startNodeProcess(relay.httpUrl));
    const run = await submit;
    assertEquals(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assertEquals(result.disagreed, [liar.peerId]);
    assert(!result.agreed.includes(liar.peerId));
    assertEquals(result.agreed.length, 2);
    assert(!result.stdout.data.includes("a lie"));
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await relay.stop();
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("a node killed mid-job: the job completes elsewhere", opts, async () => {
  await withNetwork(2, async (relayUrl, nodes, home) => {
    // sha256 over 512 MiB runs long enough to kill whoever took it.
    const submit = phase(
      [
        "submit",
        "tests/testdata/sha256.wasm",
        "--relay",
        relayUrl,
        "--json",
        "--timeout-ms",
        "60000",
        "--",
        "512",
      ],
      { env: { PHASE_HOME: home }, timeoutMs: 90_000 },
    );
    const victim = await Promise.any(
      nodes.map(async (n) => {
        await n.waitFor((l) => l.event === "assigned", 20_000);
        return n;
      }),
    );
    victim.kill("SIGKILL");
    const run = await submit;
    assertEquals(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    const survivor = nodes.find((n) => n !== victim)!;
    assertEquals(result.agreed, [survivor.peerId]);
    assert(
      result.attempts.some((a: { executor: string; outcome: string }) =>
        a.executor === victim.peerId && a.outcome === "failed"
      ),
    );
  });
});

Deno.test(
  "a job nobody can take fails with a clear message before its deadline",
  opts,
  async () => {
    await withNetwork(1, async (relayUrl, _nodes, home) => {
      const started = Date.now();
      // Nodes accept at most 1024 MiB of memory by default.
      const run = await phase(
        [
          "submit",
          HELLO,
          "--relay",
          relayUrl,
          "--memory-mb",
          "2048",
          "--timeout-ms",
          "1000",
          "--deadline-ms",
          "3000",
        ],
        { env: { PHASE_HOME: home } },
      );
      assertEquals(run.code, 69, run.stderr);
      assertMatch(run.stderr, /no verified result before the job's deadline/);
      assert(Date.now() - started < 15_000);
    });
  },
);

Deno.test("50 concurrent submissions complete once each", opts, async () => {
  await withNetwork(3, async (relayUrl, nodes) => {
    const bootstrap = await (await fetch(`${relayUrl}/bootstrap`)).json();
    const libp2p = await startClientNode(generateKeyPair(), {
      relays: bootstrap.multiaddrs,
      reserve: true,
    });
    try {
      const submitter = await createSubmitter(libp2p, { topic: JOB_TOPIC });
      const hello = await Deno.readFile(HELLO);
      const keyPair = generateKeyPair();
      const jobs = Array.from({ length: 50 }, (_, i) => ({
        module: hello,
        manifest: buildManifest({
          module: { sha256: sha256Hex(hello), size: hello.length },
          args: [`job-${i}`],
          deadline: Date.now() + 60_000,
        }, keyPair),
      }));
      const results = await Promise.all(jobs.map((j) => submitter.run(j)));
      for (const [i, r] of results.entries()) {
        assertMatch(new TextDecoder().decode(r.output.stdout), new RegExp(`job-${i}\\b`));
      }
      // Each job ran on exactly one node, once (the nodes log it just after replying).
      for (const j of jobs) {
        assertEquals((await finishedBy(nodes, j.manifest.id, 1)).length, 1, j.manifest.id);
      }
      await submitter.stop();
    } finally {
      await libp2p.stop();
    }
  });
});
