/**
 * Web node figures, in real Chromium against a real relay, inside a network
 * namespace with only `lo` (re-runs itself under `unshare --net` when
 * started elsewhere):
 *
 * - bundle size (min, gzip) of the page and its job Worker;
 * - page load -> relay connected (with a reservation), fresh identity each;
 * - WebRTC upgrade: dial time of the direct connection between two tabs;
 * - `phase submit` (a cold CLI process) -> verified result when the only
 *   executor is a tab, and the same through one warm in-process submitter;
 * - sha256 over 64 MiB in a tab's job Worker vs the Deno executor host.
 *
 * Usage: deno run -A tests/bench/web_bench.ts [--jobs 100] [--loads 20]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { buildWebNode } from "../../web-node/mod.ts";
import { phase, startRelayProcess } from "../_processes.ts";
import { launchBrowser, openTab, tabPeerId, waitDirect } from "../web/_browser.ts";
import { onlyLoopback, runDenoInNetns } from "../_netns.ts";
import { DenoHost } from "../../cli/host/mod.ts";
import { startClientNode } from "../../cli/_p2p.ts";
import { generateKeyPair } from "../../shared/crypto/mod.ts";
import { createSubmitter } from "../../shared/scheduler/mod.ts";
import { submitJob } from "../../shared/client/mod.ts";
import { JOB_TOPIC } from "../../shared/protocol/mod.ts";
import { median, percentile } from "./_stats.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { jobs: { type: "string", default: "100" }, loads: { type: "string", default: "20" } },
});

if (!onlyLoopback()) {
  Deno.exit(await runDenoInNetns(["run", "-A", new URL(import.meta.url).pathname, ...Deno.args]));
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

const webRoot = await Deno.makeTempDir({ prefix: "phase-web-bench-" });
const files = await buildWebNode({ outDir: webRoot });
for (const f of files.filter((f) => f.path.endsWith(".js"))) {
  console.log(
    `bundle ${f.path}: ${(f.bytes / 1024).toFixed(1)} KiB min, ${
      (f.gzipBytes / 1024).toFixed(1)
    } KiB gzip`,
  );
}

const relay = await startRelayProcess({ args: ["--web-root", webRoot] });
const browser = await launchBrowser();
try {
  // Page load -> connected, each in a fresh context (new identity, cold cache).
  const loads: number[] = [];
  const relayConnected: number[] = [];
  const reserved: number[] = [];
  for (let i = 0; i < Number(values.loads); i++) {
    const context = await browser.newContext({ permissions: ["microphone"] });
    const started = performance.now();
    const page = await openTab(browser, relay.httpUrl, { context });
    loads.push(performance.now() - started);
    const t = await page.evaluate(() =>
      (globalThis as unknown as { phase: { timings: Record<string, number> } }).phase.timings
    );
    relayConnected.push(t.relayConnectedMs);
    reserved.push(t.reservedMs ?? NaN);
    await context.close();
  }
  console.log(
    `page load -> relay connected (n=${loads.length}): median ${ms(median(loads))}, p90 ${
      ms(percentile(loads, 90))
    }`,
  );

  console.log(
    `in the page, from navigation start: relay connected median ${
      ms(median(relayConnected))
    }, reservation held median ${ms(median(reserved))}`,
  );

  // WebRTC upgrade between pairs of fresh tabs.
  const dials: number[] = [];
  const discover: number[] = [];
  for (let i = 0; i < 10; i++) {
    const a = await openTab(browser, relay.httpUrl);
    const b = await openTab(browser, relay.httpUrl);
    const joined = performance.now();
    await waitDirect(b, await tabPeerId(a));
    discover.push(performance.now() - joined);
    for (const page of [a, b]) {
      const times = await page.evaluate(() =>
        (globalThis as unknown as { phase: { node: { dialTimes: number[] } } }).phase.node
          .dialTimes
      );
      dials.push(...times);
    }
    await a.context().close();
    await b.context().close();
  }
  console.log(
    `WebRTC upgrade, dial -> direct connection (n=${dials.length}): median ${
      ms(median(dials))
    }, p90 ${ms(percentile(dials, 90))}`,
  );
  console.log(
    `second tab connected -> direct connection shown (n=${discover.length}): median ${
      ms(median(discover))
    }`,
  );

  // A single tab is the only executor.
  const tab = await openTab(browser, relay.httpUrl);
  const home = await Deno.makeTempDir({ prefix: "phase-bench-cli-" });
  const hello = "tests/testdata/hello.wasm";
  const cold: number[] = [];
  for (let i = 0; i < Number(values.jobs); i++) {
    const started = performance.now();
    const out = await phase(
      ["submit", "--relay", relay.httpUrl, "--quiet", hello, "--", String(i)],
      {
        env: { PHASE_HOME: home },
      },
    );
    if (out.code !== 0) throw new Error(`submit failed: ${out.stderr}`);
    cold.push(performance.now() - started);
  }
  console.log(
    `phase submit (cold CLI process) -> verified result, tab executor (n=${cold.length}): median ${
      ms(median(cold))
    }, p90 ${ms(percentile(cold, 90))}`,
  );

  // The same through one warm submitter in this process (no CLI start-up).
  const keyPair = generateKeyPair();
  const libp2p = await startClientNode(keyPair, { relays: relay.multiaddrs, reserve: true });
  const submitter = await createSubmitter(libp2p, { topic: JOB_TOPIC });
  const module = await Deno.readFile(hello);
  const warm: number[] = [];
  for (let i = 0; i < Number(values.jobs); i++) {
    const started = performance.now();
    const result = await submitJob(submitter, { module, args: [String(i)] }, { keyPair });
    if (result.receipts[0].runtime.kind !== "browser") throw new Error("not run by the tab");
    warm.push(performance.now() - started);
  }
  await submitter.stop();
  await libp2p.stop();
  console.log(
    `warm in-process submit -> verified result, tab executor (n=${warm.length}): median ${
      ms(median(warm))
    }, p90 ${ms(percentile(warm, 90))}`,
  );

  // sha256 over 64 MiB: tab's job Worker vs the Deno host, guest wall time.
  const sha = await Deno.readFile("tests/testdata/sha256.wasm");
  const tabWall: number[] = [];
  for (let i = 0; i < 3; i++) {
    tabWall.push(
      await tab.evaluate(async (bytes) => {
        const phase = (globalThis as unknown as {
          phase: {
            host: {
              run(m: Uint8Array, spec: unknown): Promise<{ wallMs: number; status: string }>;
            };
          };
        }).phase;
        const r = await phase.host.run(new Uint8Array(bytes), {
          args: ["64"],
          limits: { timeoutMs: 60_000 },
        });
        if (r.status !== "ok") throw new Error(r.status);
        return r.wallMs;
      }, [...sha]),
    );
  }
  const host = new DenoHost(1);
  const denoWall: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await host.run(sha, { args: ["64"], limits: { timeoutMs: 60_000 } });
    if (r.status !== "ok") throw new Error(r.status);
    denoWall.push(r.wallMs);
  }
  host.close();
  console.log(
    `sha256 64 MiB guest wall time: tab median ${ms(median(tabWall))}, Deno host median ${
      ms(median(denoWall))
    } (tab/Deno ${(median(tabWall) / median(denoWall)).toFixed(2)}x)`,
  );
} finally {
  await browser.close();
  await relay.stop();
}

// Leftover sockets may keep the event loop alive; the figures are printed.
Deno.exit(0);
