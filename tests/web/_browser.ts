/**
 * Browser test harness: Debian's Chromium driven by playwright-core, with
 * the flags WebRTC on loopback needs, and helpers to open web-node tabs on a
 * relay. The tests run inside a network namespace that has only `lo` (see
 * {@linkcode webTest}), so no ICE candidate points at another interface.
 *
 * @module
 */

import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { onlyLoopback, runDenoInNetns } from "../_netns.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Chromium flags for headless WebRTC on loopback as root. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--allow-loopback-in-peer-connection",
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Path of Chromium (PHASE_CHROMIUM or Debian's). */
export function chromiumPath(): string {
  return Deno.env.get("PHASE_CHROMIUM") ?? "/usr/bin/chromium";
}

/** Launches headless Chromium. */
export async function launchBrowser(): Promise<Browser> {
  return await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

/**
 * Registers browser tests. Inside a network namespace with only `lo` they
 * run as they are; elsewhere one test re-runs this file under
 * `unshare --net` (as `deno task test` does for the whole suite) and passes
 * only if every test in it passed there.
 */
export function webTest(
  file: string,
  tests: Record<string, (t: Deno.TestContext) => Promise<void>>,
): void {
  const options = { sanitizeOps: false, sanitizeResources: false };
  if (onlyLoopback()) {
    for (const [name, fn] of Object.entries(tests)) Deno.test({ name, fn, ...options });
    return;
  }
  Deno.test({
    name: `${Object.keys(tests).length} browser tests in a network namespace with only lo`,
    ...options,
    async fn() {
      const code = await runDenoInNetns(["test", "-A", new URL(file).pathname], { cwd: ROOT });
      if (code !== 0) throw new Error(`browser tests failed in the namespace (exit ${code})`);
    },
  });
}

/** Options of {@linkcode openTab}. */
export interface OpenTabOptions {
  /** Wait until the tab holds a relay reservation. Default true. */
  waitConnected?: boolean;
  /** Browser context (default: a fresh one, i.e. a fresh identity). */
  context?: BrowserContext;
}

/** Opens the web node served by the relay at `httpUrl` in a new context; waits until connected. */
export async function openTab(
  browser: Browser,
  httpUrl: string,
  options: OpenTabOptions = {},
): Promise<Page> {
  const context = options.context ?? await browser.newContext({
    permissions: ["microphone", "camera"],
  });
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[tab] ${err.message}`));
  await grantLoopbackCandidates(page);
  await page.goto(httpUrl);
  if (options.waitConnected ?? true) await waitConnected(page);
  return page;
}

/**
 * Chromium only offers ICE candidates for every interface (loopback
 * included) once the page holds media permission; on a real network the
 * default route would do. Ask for the fake microphone once, as a test rig.
 */
async function grantLoopbackCandidates(page: Page): Promise<void> {
  await page.addInitScript({
    content: `navigator.mediaDevices?.getUserMedia({ audio: true })
      .then((s) => s.getTracks().forEach((t) => t.stop())).catch(() => {});`,
  });
}

/** Waits until the tab is connected to the relay with a reservation. */
export async function waitConnected(page: Page, timeoutMs = 20_000): Promise<void> {
  await page.waitForFunction(`document.getElementById("state")?.dataset.state === "connected"`, {
    timeout: timeoutMs,
  });
}

/** The tab's peer id. */
export async function tabPeerId(page: Page): Promise<string> {
  return await page.evaluate(() =>
    (globalThis as unknown as { phase: { peerId: string } }).phase.peerId
  );
}

/** Waits until `page` has a direct (unlimited) connection to `peerId`. */
export async function waitDirect(page: Page, peerId: string, timeoutMs = 20_000): Promise<void> {
  await page.waitForFunction(
    `document.querySelector('#peers li[data-peer="${peerId}"]')?.dataset.kind === "direct"`,
    { timeout: timeoutMs },
  );
}
