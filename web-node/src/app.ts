/**
 * The web node's page: joins the network through the relay that served it,
 * runs jobs for others in Web Workers (when contributing is on), submits
 * jobs from a form, and shows what happens.
 *
 * @module
 */

import { jobSpecFor, startExecutorNode } from "../../shared/node/mod.ts";
import { JOB_TOPIC } from "../../shared/protocol/mod.ts";
import { createSubmitter, relayEdges, type Submitter } from "../../shared/scheduler/mod.ts";
import { submitJob } from "../../shared/client/mod.ts";
import { verifyReceipt } from "../../shared/receipt/mod.ts";
import { PhaseError } from "../../shared/errors.ts";
import { loadIdentity } from "./_identity.ts";
import { BrowserHost } from "./_host.ts";
import { type BrowserNode, startBrowserNode } from "./_p2p.ts";
import { createUi, type JobRow } from "./_ui.ts";

const SLOTS_KEY = "phase.slots";
const CONTRIBUTE_KEY = "phase.contribute";

async function fetchModule(sha256: string): Promise<Uint8Array> {
  // Modules are immutable by hash: the service worker answers repeats from its cache.
  const res = await fetch(`/v1/modules/${sha256}`);
  if (!res.ok) throw new PhaseError("module_unavailable", `relay store answered ${res.status}`);
  return new Uint8Array(await res.arrayBuffer()); // startExecutorNode checks the hash
}

async function main(): Promise<void> {
  const ui = createUi(document);
  // Milestones in ms since navigation start, for the benchmark and the curious.
  const timings: Record<string, number> = {};
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch((err) => ui.log(`service worker: ${err}`));
  }
  timings.mainMs = performance.now();
  ui.setState("connecting");
  // The relay's addresses and this tab's key, fetched side by side.
  const bootstrapping = fetch("/bootstrap", { cache: "no-store" }).then((res) =>
    res.json()
  ) as Promise<{ multiaddrs: string[] }>;
  const keyPair = await loadIdentity();
  timings.identityMs = performance.now();
  const bootstrap = await bootstrapping;
  timings.bootstrapMs = performance.now();
  const slots = Number(localStorage.getItem(SLOTS_KEY) ?? 1) || 1;
  const contribute = localStorage.getItem(CONTRIBUTE_KEY) !== "off";
  const host = new BrowserHost({ workerUrl: "/job_worker.js", slots });
  const rows = new Map<string, JobRow>();
  let node: BrowserNode | undefined = undefined;
  const refresh = () => {
    if (!node) return;
    if (node.reserved) timings.reservedMs ??= performance.now();
    ui.renderNetwork(node);
  };
  node = await startBrowserNode(keyPair, { relays: bootstrap.multiaddrs, onChange: refresh });
  timings.relayConnectedMs = performance.now();
  ui.setIdentity(node.libp2p.peerId.toString(), node.relayPeerId);
  refresh();

  const executor = startExecutorNode(node.libp2p, {
    keyPair,
    runtime: "browser",
    engine: "v8",
    topic: JOB_TOPIC,
    slots,
    enabled: contribute,
    fetchModule,
    execute: async (module, manifest, inputs, { signal }) => {
      const started = performance.now();
      rows.set(manifest.id, { jobId: manifest.id, status: "running", ms: 0, manifest });
      ui.renderJobs(rows);
      const result = await host.run(module, jobSpecFor(manifest, inputs), {
        moduleKey: manifest.module.sha256,
        signal,
      });
      const row = rows.get(manifest.id)!;
      row.status = result.status;
      row.ms = performance.now() - started;
      row.output = {
        status: result.status,
        exitCode: result.exitCode,
        stdout: result.stdout,
        stderr: result.stderr,
        files: result.files,
      };
      return { ...result, engine: "v8" };
    },
    onEvent: (event) => {
      if (event.event !== "offer" && event.event !== "skipped") {
        ui.log(
          `${event.event} ${event.jobId.slice(0, 12)}${event.reason ? `: ${event.reason}` : ""}`,
        );
      }
      const row = rows.get(event.jobId);
      if (event.event === "finished" && row) {
        row.receipt = event.receipt as JobRow["receipt"];
        ui.jobFinished();
      }
      if ((event.event === "failed" || event.event === "cancelled") && row) {
        row.status = event.event;
      }
      // Offers and skips for jobs that never ran here leave the table as it is.
      if (row) ui.renderJobs(rows);
    },
  });
  ui.bindSettings({
    slots,
    contribute,
    onSlots: (n) => {
      host.size = n;
      executor.slots = n;
      localStorage.setItem(SLOTS_KEY, String(n));
    },
    onContribute: (on) => {
      executor.enabled = on;
      localStorage.setItem(CONTRIBUTE_KEY, on ? "on" : "off");
    },
  });
  ui.bindVerify((row) => {
    try {
      verifyReceipt(row.receipt, { manifest: row.manifest, output: row.output });
      return "receipt verified: signature, job, output and executor key all match";
    } catch (err) {
      return `receipt rejected: ${err instanceof Error ? err.message : err}`;
    }
  });

  let submitter: Submitter | undefined;
  ui.bindSubmit(async (job) => {
    // Edge executors registered with this relay take jobs too (tried first).
    submitter ??= await createSubmitter(node!.libp2p, {
      topic: JOB_TOPIC,
      edges: relayEdges(location.origin),
    });
    // The submitter verifies every receipt against the output before it returns.
    return await submitJob(submitter, {
      module: job.module,
      args: job.args,
      redundancy: job.redundancy,
      limits: { timeoutMs: job.timeoutMs },
    }, { keyPair, onProgress: (p) => ui.log(`submit: ${p.event} ${p.executor ?? ""}`) });
  });

  // Hooks for tests and the curious: what this tab is and measured timings.
  Object.assign(globalThis, {
    phase: {
      peerId: node.libp2p.peerId.toString(),
      node,
      executor,
      host,
      timings,
      fetchModule,
    },
  });
  setInterval(refresh, 1_000);
}

main().catch((err) => {
  const state = document.getElementById("state");
  if (state) {
    state.textContent = `failed: ${err instanceof Error ? err.message : err}`;
    state.dataset.state = "failed";
  }
  console.error(err);
});
