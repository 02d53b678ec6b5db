// The web node in real Chromium tabs against a real relay process, inside a
// network namespace with only `lo` (see _browser.ts): tabs connect directly
// over WebRTC, run jobs from the CLI and from each other, survive a tab
// closing mid-job and a relay restart, stay responsive during an infinite
// loop, and load offline through the service worker.

import type { Browser, Page } from "playwright-core";
import { assert, assertEquals, assertMatch } from "../../shared/testing/mod.ts";
import { buildWebNode } from "../../web-node/mod.ts";
import { phase, type RelayProc, startRelayProcess } from "../_processes.ts";
import {
  launchBrowser,
  openTab,
  tabPeerId,
  waitConnected,
  waitDirect,
  webTest,
} from "./_browser.ts";
import { verifyReceipt } from "../../shared/receipt/mod.ts";
import {
  encodeKeyFile,
  generateKeyPair,
  peerIdFromPublicKey,
  sha256Hex,
} from "../../shared/crypto/mod.ts";
import { startDenoServe } from "../../edge-worker/testdata/serve.ts";

const HELLO = "tests/testdata/hello.wasm";
const LOOP = "tests/testdata/loop.wasm";
const SHA = "tests/testdata/sha256.wasm";

let webRoot: string | undefined;
async function builtWebRoot(): Promise<string> {
  if (!webRoot) {
    webRoot = await Deno.makeTempDir({ prefix: "phase-web-" });
    await buildWebNode({ outDir: webRoot });
  }
  return webRoot;
}

interface Rig {
  relay: RelayProc;
  browser: Browser;
  home: string;
  close(): Promise<void>;
}

async function rig(relayArgs: string[] = [], stateDir?: string): Promise<Rig> {
  const root = await builtWebRoot();
  const relay = await startRelayProcess({ args: ["--web-root", root, ...relayArgs], stateDir });
  const browser = await launchBrowser();
  const home = await Deno.makeTempDir({ prefix: "phase-cli-" });
  return {
    relay,
    browser,
    home,
    async close() {
      await browser.close().catch(() => {});
      await relay.stop().catch(() => {});
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
  };
}

/** A test body run with a fresh rig, closed afterwards whatever happens. */
function withRig(fn: (r: Rig) => Promise<void>): () => Promise<void> {
  return async () => {
    const r = await rig();
    try {
      await fn(r);
    } finally {
      await r.close();
    }
  };
}

async function submit(r: Rig, args: string[], timeoutMs = 60_000) {
  const out = await phase(["submit", "--relay", r.relay.httpUrl, "--json", ...args], {
    env: { PHASE_HOME: r.home },
    timeoutMs,
  });
  return { ...out, json: out.stdout.trim() ? JSON.parse(out.stdout) : undefined };
}

async function tabRan(page: Page): Promise<number> {
  return await page.evaluate(() =>
    (globalThis as unknown as { phase: { executor: { stats: { finished: number } } } }).phase
      .executor.stats.finished
  );
}

async function metric(httpUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(name + " "));
  return Number(line?.split(" ")[1]);
}

// Runs a job from the page's submit form; resolves when it shows a result.
async function submitFromForm(page: Page, file: string, args: string): Promise<void> {
  await page.setInputFiles("#submit-module", file);
  await page.fill("#submit-args", args);
  await page.click("#submit-form button[type=submit]");
  await page.waitForFunction(
    `document.getElementById("submit-output")?.dataset.state !== "running"`,
    { timeout: 30_000 },
  );
}

async function receiptExecutors(page: Page): Promise<(string | null)[]> {
  return await page.locator("#submit-receipts li").evaluateAll((els) =>
    els.map((el) => el.getAttribute("data-executor"))
  );
}

webTest(import.meta.url, {
  "two tabs connect directly over WebRTC and run CLI jobs with verified receipts": withRig(
    async (r) => {
      const a = await openTab(r.browser, r.relay.httpUrl);
      const b = await openTab(r.browser, r.relay.httpUrl);
      const [ida, idb] = [await tabPeerId(a), await tabPeerId(b)];
      await waitDirect(a, idb);
      await waitDirect(b, ida);
      // The UI's "direct" is conn.limits == null; check it on the node too.
      const limits = await a.evaluate((id) => {
        const node = (globalThis as unknown as {
          phase: {
            node: {
              libp2p: {
                getConnections(): { remotePeer: unknown; limits: unknown; remoteAddr: unknown }[];
              };
            };
          };
        }).phase.node.libp2p;
        return node.getConnections().filter((c) => String(c.remotePeer) === id)
          .map((c) => ({ limits: c.limits ?? null, addr: String(c.remoteAddr) }));
      }, idb);
      assert(
        limits.some((c) => c.limits === null && c.addr.includes("/webrtc")),
        JSON.stringify(limits),
      );

      const tabs = new Set([ida, idb]);
      for (let i = 0; i < 4; i++) {
        const out = await submit(r, [HELLO, "--", "job", String(i)]);
        assertEquals(out.code, 0, out.stderr);
        assertMatch(out.json.stdout.data, new RegExp(`arg\\[2\\]=${i}`));
        for (const receipt of out.json.receipts) {
          assert(tabs.has(receipt.executorPeerId), `ran on ${receipt.executorPeerId}`);
          assertEquals(receipt.runtime.kind, "browser");
          verifyReceipt(receipt, { manifest: out.json.manifest });
        }
      }
      assertEquals((await tabRan(a)) + (await tabRan(b)), 4);
    },
  ),

  "a job from tab A's submit form runs on tab B and shows verified output in A": withRig(
    async (r) => {
      const a = await openTab(r.browser, r.relay.httpUrl);
      const b = await openTab(r.browser, r.relay.httpUrl);
      const idb = await tabPeerId(b);
      await waitDirect(a, idb);
      await submitFromForm(a, HELLO, "from the form");
      const output = await a.locator("#submit-output").innerText();
      assertMatch(output, /hello from wasm/);
      assertMatch(output, /arg\[2\]=the/);
      const executors = await receiptExecutors(a);
      assertEquals(executors, [idb]);
      assertMatch(await a.locator("#submit-receipts").innerText(), /verified receipt/);
      assertEquals(await tabRan(b), 1);
      // B's UI lists the job; its receipt verifies from the page's button.
      await b.locator("#jobs tr button").first().click();
      await b.click("#verify-receipt");
      assertMatch(await b.locator("#verify-result").innerText(), /receipt verified/);
    },
  ),

  "a tab's submit form runs a job on an edge worker registered with the relay": withRig(
    async (r) => {
      const edgeKey = generateKeyPair();
      const edgePeerId = peerIdFromPublicKey(edgeKey.publicKey);
      const served = await startDenoServe({
        PHASE_NODE_KEY: encodeKeyFile(edgeKey),
        PHASE_OPEN: "true",
        PHASE_RELAYS: r.relay.httpUrl,
      });
      try {
        // The Deno Deploy entry registers with its relays on its first request.
        await (await fetch(`${served.url}/health`)).body?.cancel();
        const until = Date.now() + 10_000;
        let listed = false;
        while (!listed && Date.now() < until) {
          const { executors } = await (await fetch(`${r.relay.httpUrl}/v1/executors`)).json();
          listed = executors.some((e: { executorPeerId: string }) =>
            e.executorPeerId === edgePeerId
          );
          if (!listed) await new Promise((res) => setTimeout(res, 100));
        }
        assert(listed, "the edge worker did not register");
        const a = await openTab(r.browser, r.relay.httpUrl);
        await submitFromForm(a, HELLO, "to the edge");
        assertMatch(await a.locator("#submit-output").innerText(), /arg\[3\]=edge/);
        const executors = await receiptExecutors(a);
        assertEquals(executors, [edgePeerId]);
        assertMatch(await a.locator("#submit-receipts").innerText(), /deno-deploy\/v8/);
      } finally {
        await served.stop();
      }
    },
  ),

  "closing a tab mid-job: the job completes on another tab": withRig(async (r) => {
    const a = await openTab(r.browser, r.relay.httpUrl);
    const b = await openTab(r.browser, r.relay.httpUrl);
    const pages = [a, b];
    const ids = [await tabPeerId(a), await tabPeerId(b)];
    const job = submit(r, [SHA, "--timeout-ms", "60000", "--", "256"]);
    // Close whichever tab starts the job.
    const started = Date.now();
    let closed = -1;
    while (closed < 0 && Date.now() - started < 20_000) {
      for (let i = 0; i < 2; i++) {
        const busy = await pages[i].evaluate(() =>
          (globalThis as unknown as { phase: { host: { busy: number } } }).phase.host.busy
        );
        if (busy > 0) {
          closed = i;
          break;
        }
      }
      if (closed < 0) await new Promise((res) => setTimeout(res, 50));
    }
    assert(closed >= 0, "no tab started the job");
    await pages[closed].context().close();
    const out = await job;
    assertEquals(out.code, 0, out.stderr);
    assertEquals(out.json.status, "ok");
    assertEquals(out.json.receipts[0].executorPeerId, ids[1 - closed]);
    assertMatch(out.json.stdout.data, /^sha256\(256 MiB\) = [0-9a-f]{64}/);
  }),

  "an infinite loop in a tab ends in timeout while the tab's UI stays responsive": withRig(
    async (r) => {
      const a = await openTab(r.browser, r.relay.httpUrl);
      const job = submit(r, [LOOP, "--timeout-ms", "3000"]);
      await a.waitForFunction(
        () => (globalThis as unknown as { phase: { host: { busy: number } } }).phase.host.busy > 0,
        undefined,
        { timeout: 20_000 },
      );
      // While the guest spins in its Worker, the page answers clicks at once.
      const clickStarted = performance.now();
      await a.click("#contribute");
      assertEquals(await a.isChecked("#contribute"), false);
      await a.click("#contribute");
      assertEquals(await a.isChecked("#contribute"), true);
      const clickMs = performance.now() - clickStarted;
      assert(clickMs < 1_000, `UI took ${clickMs} ms to answer`);
      const stillBusy = await a.evaluate(() =>
        (globalThis as unknown as { phase: { host: { busy: number } } }).phase.host.busy
      );
      assertEquals(stillBusy, 1, "the clicks happened while the job ran");
      const out = await job;
      assertEquals(out.json?.status, "timeout", out.stdout + out.stderr);
      assertEquals(out.json.receipts[0].runtime.kind, "browser");
      // The terminated Worker's thread burns on for a while in Chromium: its
      // slot stays taken for that tail, then frees.
      const busy = () =>
        a.evaluate(() =>
          (globalThis as unknown as { phase: { host: { busy: number } } }).phase.host.busy
        );
      assertEquals(await busy(), 1, "slot held during the terminate tail");
      await a.waitForFunction(`globalThis.phase.host.busy === 0`, { timeout: 5_000 });
      const after = await submit(r, [HELLO]);
      assertEquals(after.json?.status, "ok", after.stderr);
    },
  ),

  "a job whose submitter goes away stops in the tab: its Worker is terminated, the slot frees":
    withRig(async (r) => {
      const a = await openTab(r.browser, r.relay.httpUrl);
      const busy = () =>
        a.evaluate(() =>
          (globalThis as unknown as { phase: { host: { busy: number } } }).phase.host.busy
        );
      // The submitter process is killed after 8 s; the guest would spin for 60.
      const job = submit(r, [LOOP, "--timeout-ms", "60000"], 8_000);
      await a.waitForFunction(`globalThis.phase.host.busy > 0`, undefined, { timeout: 8_000 });
      await job;
      assertEquals(await busy(), 1, "the guest still ran when its submitter went away");
      // The Worker is terminated at once; its slot frees after the terminate tail (2 s).
      await a.waitForFunction(`globalThis.phase.host.busy === 0`, undefined, { timeout: 10_000 });
      const after = await submit(r, [HELLO]);
      assertEquals(after.json?.status, "ok", after.stderr);
    }),

  "service worker: the app shell loads with the relay down; a module is fetched once; identity persists":
    withRig(async (r) => {
      const a = await openTab(r.browser, r.relay.httpUrl);
      await a.waitForFunction(`navigator.serviceWorker.controller !== null`, { timeout: 10_000 });
      const module = await Deno.readFile(HELLO);
      const sha = sha256Hex(module);
      const put = await fetch(`${r.relay.httpUrl}/v1/modules/${sha}`, {
        method: "PUT",
        body: module,
      });
      assertEquals(put.status < 300, true, await put.text());
      const fetchInTab = (page: Page) =>
        page.evaluate(async (hash) => {
          const bytes = await (globalThis as unknown as {
            phase: { fetchModule(s: string): Promise<Uint8Array> };
          }).phase.fetchModule(hash);
          return bytes.length;
        }, sha);
      assertEquals(await fetchInTab(a), module.length);
      assertEquals(await fetchInTab(a), module.length);
      const peerId = await tabPeerId(a);
      await a.reload();
      await waitConnected(a);
      // The identity lives in IndexedDB: same peer id after a reload.
      assertEquals(await tabPeerId(a), peerId);
      assertEquals(await fetchInTab(a), module.length);
      assertEquals(await metric(r.relay.httpUrl, "phase_relay_module_reads_total"), 1);

      await r.relay.stop();
      await a.reload();
      await a.waitForSelector("h1");
      assertMatch(await a.locator("h1").innerText(), /Phase web node/);
      // The shell loaded from the cache and says it cannot reach the network.
      await a.waitForFunction(`document.getElementById("state")?.dataset.state === "failed"`, {
        timeout: 10_000,
      });
    }),

  async "relay restart: tabs reconnect and take jobs again within 10 s"() {
    const first = await rig();
    const port = Number(new URL(first.relay.httpUrl).port);
    const stateDir = first.relay.stateDir;
    let relay2: RelayProc | undefined;
    try {
      const a = await openTab(first.browser, first.relay.httpUrl);
      const b = await openTab(first.browser, first.relay.httpUrl);
      assertEquals((await submit(first, [HELLO])).code, 0);
      await first.relay.stop();
      await a.waitForFunction(`document.getElementById("state")?.dataset.state === "reconnecting"`);
      const restarted = performance.now();
      relay2 = await startRelayProcess({
        stateDir,
        args: [
          "--web-root",
          await builtWebRoot(),
          "--port",
          String(port),
        ],
      });
      await waitConnected(a, 10_000);
      await waitConnected(b, 10_000);
      // Both tabs hold a reservation on the new relay process (js-libp2p
      // once failed to re-reserve after a relay restart).
      let reservations = 0;
      while (reservations < 2 && performance.now() - restarted < 10_000) {
        reservations = (await (await fetch(`${relay2.httpUrl}/status`)).json()).reservations;
        if (reservations < 2) await new Promise((res) => setTimeout(res, 100));
      }
      assertEquals(reservations, 2);
      const before = (await tabRan(a)) + (await tabRan(b));
      const out = await submit({ ...first, relay: relay2 }, [HELLO]);
      assertEquals(out.code, 0, out.stderr);
      const elapsed = performance.now() - restarted;
      assert(elapsed < 10_000, `took ${elapsed} ms`);
      assertEquals((await tabRan(a)) + (await tabRan(b)), before + 1);
      assertEquals(out.json.receipts[0].runtime.kind, "browser");
    } finally {
      await relay2?.stop();
      await first.close();
    }
  },

  "a screenshot of the UI with two peers and a few jobs": withRig(async (r) => {
    const a = await openTab(r.browser, r.relay.httpUrl);
    const b = await openTab(r.browser, r.relay.httpUrl);
    await waitDirect(a, await tabPeerId(b));
    for (let i = 0; i < 3; i++) assertEquals((await submit(r, [HELLO, "--", String(i)])).code, 0);
    await a.setViewportSize({ width: 1280, height: 900 });
    await a.locator("#jobs tr button").first().click().catch(() => {});
    const path = `${await Deno.makeTempDir({ prefix: "phase-shot-" })}/web-node.png`;
    await a.screenshot({ path, fullPage: true });
    const png = await Deno.readFile(path);
    assertEquals([...png.slice(1, 4)], [0x50, 0x4e, 0x47]);
    assert(png.length > 20_000, `screenshot is ${png.length} bytes`);
    assertEquals(await a.locator("#state").innerText(), "connected");
    console.log(`screenshot: ${path}`);
  }),
});
