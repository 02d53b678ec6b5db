// The page's DOM: renders the node's state and binds the controls. Plain DOM
// calls, no framework; every control is a labelled form element.

import type { JobManifest } from "../../shared/manifest/mod.ts";
import type { JobOutput, Receipt } from "../../shared/receipt/mod.ts";
import type { JobResult } from "../../shared/scheduler/mod.ts";
import type { BrowserNode } from "./_p2p.ts";

/** One job this tab ran, as the UI shows it. */
export interface JobRow {
  jobId: string;
  status: string;
  ms: number;
  manifest: JobManifest;
  output?: JobOutput;
  receipt?: Receipt;
}

/** A job from the submit form. */
export interface SubmitForm {
  module: Uint8Array;
  args: string[];
  redundancy: number;
  timeoutMs: number;
}

const MAX_ROWS = 100;
const decoder = new TextDecoder();

/** The page's UI. */
export interface Ui {
  setState(state: string): void;
  setIdentity(peerId: string, relay: string): void;
  renderNetwork(node: BrowserNode): void;
  renderJobs(rows: Map<string, JobRow>): void;
  jobFinished(): void;
  log(line: string): void;
  bindSettings(options: {
    slots: number;
    contribute: boolean;
    onSlots(n: number): void;
    onContribute(on: boolean): void;
  }): void;
  bindVerify(verify: (row: JobRow) => string): void;
  bindSubmit(run: (job: SubmitForm) => Promise<JobResult>): void;
}

/** Parses the args field: a JSON array, or words separated by spaces. */
export function parseArgs(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  if (trimmed.startsWith("[")) {
    const parsed = JSON.parse(trimmed);
    if (!Array.isArray(parsed) || parsed.some((a) => typeof a !== "string")) {
      throw new TypeError("args must be a JSON array of strings");
    }
    return parsed;
  }
  return trimmed.split(/\s+/);
}

/** Creates the UI over the page's elements. */
export function createUi(doc: Document): Ui {
  const $ = <T extends HTMLElement>(id: string) => doc.getElementById(id) as T;
  const finishedAt: number[] = [];
  let selected: JobRow | undefined;

  function renderChart(): void {
    // Jobs finished per minute over the last 10 minutes, newest on the right.
    const now = Date.now();
    const bins = new Array(10).fill(0);
    for (const t of finishedAt) {
      const age = Math.floor((now - t) / 60_000);
      if (age < 10) bins[9 - age]++;
    }
    const max = Math.max(1, ...bins);
    const bars = bins.map((n, i) => {
      const h = Math.round((n / max) * 40);
      return `<rect x="${i * 12}" y="${
        44 - h
      }" width="10" height="${h}"><title>${n} jobs</title></rect>`;
    }).join("");
    $("chart").innerHTML =
      `<svg viewBox="0 0 120 46" width="240" height="92" role="img" aria-label="jobs per minute, last 10 minutes: ${
        bins.join(", ")
      }">${bars}</svg>`;
    $("jobs-per-minute").textContent = String(bins[9]);
  }
  setInterval(renderChart, 5_000);

  const ui: Ui = {
    setState(state) {
      const el = $("state");
      el.textContent = state;
      el.dataset.state = state;
    },
    setIdentity(peerId, relay) {
      $("peer-id").textContent = peerId;
      $("relay").textContent = relay;
    },
    renderNetwork(node) {
      ui.setState(
        node.relayConnected
          ? (node.reserved ? "connected" : "connected, reserving")
          : "reconnecting",
      );
      const peers = new Map<string, { direct: boolean; transports: Set<string> }>();
      for (const c of node.libp2p.getConnections()) {
        if (c.status !== "open") continue;
        const id = c.remotePeer.toString();
        if (id === node.relayPeerId) continue;
        const entry = peers.get(id) ?? { direct: false, transports: new Set<string>() };
        // A connection is direct when it has no relay limits.
        entry.direct ||= c.limits == null;
        const addr = c.remoteAddr.toString();
        entry.transports.add(
          addr.includes("/webrtc") ? "webrtc" : addr.includes("/p2p-circuit") ? "relayed" : "ws",
        );
        peers.set(id, entry);
      }
      const list = $("peers");
      list.replaceChildren(...[...peers].map(([id, p]) => {
        const li = doc.createElement("li");
        li.dataset.peer = id;
        li.dataset.kind = p.direct ? "direct" : "relayed";
        li.textContent = `${id.slice(0, 8)}…${id.slice(-6)} — ${p.direct ? "direct" : "relayed"} (${
          [...p.transports].join(", ")
        })`;
        li.title = id;
        return li;
      }));
      $("peer-count").textContent = String(peers.size);
      $("reconnects").textContent = String(node.reconnects);
    },
    renderJobs(rows) {
      while (rows.size > MAX_ROWS) rows.delete(rows.keys().next().value!);
      const body = $("jobs");
      body.replaceChildren(
        ...[...rows.values()].reverse().map((row) => {
          const tr = doc.createElement("tr");
          tr.dataset.jobId = row.jobId;
          tr.dataset.status = row.status;
          const button = doc.createElement("button");
          button.type = "button";
          button.textContent = row.jobId.slice(0, 12);
          button.disabled = !row.receipt;
          button.addEventListener("click", () => {
            selected = row;
            $("receipt-json").textContent = JSON.stringify(row.receipt, null, 2);
            $("verify-result").textContent = "";
            ($("verify-receipt") as HTMLButtonElement).disabled = false;
          });
          const status = doc.createElement("td");
          status.textContent = row.status;
          const ms = doc.createElement("td");
          ms.textContent = row.ms ? `${row.ms.toFixed(0)} ms` : "";
          const id = doc.createElement("td");
          id.append(button);
          tr.append(id, status, ms);
          return tr;
        }),
      );
      $("job-count").textContent = String(finishedAt.length);
    },
    jobFinished() {
      finishedAt.push(Date.now());
      while (finishedAt.length > 10_000) finishedAt.shift();
      renderChart();
    },
    log(line) {
      const el = $("log");
      el.textContent = `${new Date().toLocaleTimeString()} ${line}\n${el.textContent}`.slice(
        0,
        8000,
      );
    },
    bindSettings({ slots, contribute, onSlots, onContribute }) {
      const slotsInput = $("slots") as HTMLInputElement;
      const toggle = $("contribute") as HTMLInputElement;
      slotsInput.value = String(slots);
      toggle.checked = contribute;
      slotsInput.addEventListener("change", () => {
        const n = Math.min(16, Math.max(1, Number(slotsInput.value) || 1));
        slotsInput.value = String(n);
        onSlots(n);
      });
      toggle.addEventListener("change", () => onContribute(toggle.checked));
    },
    bindVerify(verify) {
      $("verify-receipt").addEventListener("click", () => {
        if (selected) $("verify-result").textContent = verify(selected);
      });
    },
    bindSubmit(run) {
      const form = $("submit-form") as HTMLFormElement;
      const out = $("submit-output");
      const receipts = $("submit-receipts");
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const file = ($("submit-module") as HTMLInputElement).files?.[0];
        const button = form.querySelector("button") as HTMLButtonElement;
        out.dataset.state = "running";
        receipts.replaceChildren();
        try {
          if (!file) throw new TypeError("choose a .wasm file first");
          button.disabled = true;
          out.textContent = "running…";
          const result = await run({
            module: new Uint8Array(await file.arrayBuffer()),
            args: parseArgs(($("submit-args") as HTMLInputElement).value),
            redundancy: Number(($("submit-redundancy") as HTMLInputElement).value) || 1,
            timeoutMs: (Number(($("submit-timeout") as HTMLInputElement).value) || 30) * 1000,
          });
          out.textContent = decoder.decode(result.output.stdout) +
            (result.output.stderr.length
              ? `\n[stderr]\n${decoder.decode(result.output.stderr)}`
              : "") +
            `\n[${result.output.status}, exit ${result.output.exitCode}]`;
          out.dataset.state = "done";
          receipts.replaceChildren(...result.receipts.map((r) => {
            const li = doc.createElement("li");
            li.dataset.executor = r.executorPeerId;
            li.textContent =
              `verified receipt from ${r.executorPeerId} (${r.runtime.kind}/${r.runtime.engine}, ${r.wallMs} ms)`;
            return li;
          }));
        } catch (err) {
          out.textContent = `failed: ${err instanceof Error ? err.message : err}`;
          out.dataset.state = "failed";
        } finally {
          button.disabled = false;
        }
      });
    },
  };
  renderChart();
  return ui;
}
