// Starts a built Cloudflare entry under workerd (miniflare) on a free loopback port.

import type { Miniflare } from "miniflare";

/** A running workerd with the worker's base URL (no trailing slash). */
export interface Workerd {
  mf: Miniflare;
  url: string;
}

/** Starts `code` (an ES module worker) with `bindings` and waits until it listens. */
export async function startWorkerd(
  code: string,
  bindings: Record<string, string>,
): Promise<Workerd> {
  const { Miniflare } = await import("miniflare");
  const mf = new Miniflare({
    modules: true,
    script: code,
    compatibilityDate: "2024-09-23",
    host: "127.0.0.1",
    port: 0,
    bindings,
  });
  try {
    return { mf, url: String(await mf.ready).replace(/\/$/, "") };
  } catch (err) {
    await mf.dispose().catch(() => {});
    throw err;
  }
}
