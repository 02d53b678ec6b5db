// Turns `--relay URL_OR_MULTIADDR` into dialable multiaddrs: an HTTP(S) URL
// is the relay's web address, whose /bootstrap lists them.

import { PhaseError } from "../shared/errors.ts";

/** A relay as the CLI knows it. */
export interface RelayTarget {
  /** Multiaddrs to dial (with /p2p/<id>). */
  multiaddrs: string[];
  /** HTTP base URL, when given (module store, status). */
  httpUrl?: string;
}

/** Resolves `--relay` values to multiaddrs (reading /bootstrap for URLs). */
export async function resolveRelays(values: string[]): Promise<RelayTarget> {
  const multiaddrs: string[] = [];
  let httpUrl: string | undefined;
  for (const value of values) {
    if (/^https?:\/\//.test(value)) {
      const base = value.replace(/\/+$/, "");
      httpUrl ??= base;
      let body: unknown;
      try {
        const res = await fetch(`${base}/bootstrap`, { signal: AbortSignal.timeout(5000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        body = await res.json();
      } catch (err) {
        throw new PhaseError(
          "relay_unreachable",
          `cannot read ${base}/bootstrap: ${err instanceof Error ? err.message : err}`,
        );
      }
      const list = Array.isArray(body) ? body : (body as { multiaddrs?: unknown })?.multiaddrs;
      if (!Array.isArray(list) || list.some((a) => typeof a !== "string")) {
        throw new PhaseError("relay_bad_bootstrap", `${base}/bootstrap did not list multiaddrs`);
      }
      multiaddrs.push(...list);
    } else if (value.startsWith("/")) {
      multiaddrs.push(value);
    } else {
      throw new PhaseError(
        "relay_bad_address",
        `--relay takes an http(s) URL or a multiaddr: ${value}`,
      );
    }
  }
  if (multiaddrs.length === 0) throw new PhaseError("relay_missing", "no relay given (--relay)");
  return { multiaddrs, httpUrl };
}
