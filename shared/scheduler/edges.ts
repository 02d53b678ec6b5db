/**
 * Edge executors as the scheduler sees them: HTTP endpoints
 * (`POST <url>/v1/execute`) that run a job and answer with outputs and a
 * signed receipt. An {@linkcode EdgeSource} lists them per job: fixed URLs
 * (`phase submit --edge URL`), a relay's registry ({@linkcode relayEdges}),
 * or both ({@linkcode combineEdges}).
 *
 * @module
 */

import {
  type EdgeLimits,
  exceededLimit,
  fetchEdgeInfo,
  verifyExecutorRecord,
} from "../edge/mod.ts";
import type { JobManifest } from "../manifest/mod.ts";

/** One edge executor: where it is and which key signs its receipts. */
export interface EdgeTarget {
  /** Base URL. */
  url: string;
  /** Peer id of the key its receipts must be signed with. */
  executorPeerId: string;
  /** Limits it accepts, when known; jobs above them are not sent to it. */
  limits?: EdgeLimits;
}

/** True when `edge` accepts the job's limits (or its limits are unknown). */
export function edgeAccepts(edge: EdgeTarget, manifest: JobManifest): boolean {
  return !edge.limits || exceededLimit(edge.limits, manifest) === undefined;
}

/** Lists the edge executors to use for a job. */
export type EdgeSource = (signal?: AbortSignal) => Promise<EdgeTarget[]>;

/**
 * Fixed URLs; each executor's key is read once from its `GET /v1/info`. An
 * executor that does not answer is left out of this call and asked again on
 * the next one (one broken URL must not hide the others).
 */
export function fixedEdges(urls: string[]): EdgeSource {
  const known = new Map<string, EdgeTarget>();
  return async (signal) => {
    await Promise.allSettled(
      urls.filter((url) => !known.has(url)).map(async (url) => {
        const info = await fetchEdgeInfo(url, { signal });
        known.set(url, { url, executorPeerId: info.executorPeerId, limits: info.limits });
      }),
    );
    return urls.flatMap((url) => known.get(url) ?? []);
  };
}

/**
 * The registry of the relay at `relayHttpUrl` (`GET /v1/executors`); every
 * record's signature is checked here, so the relay cannot invent executors.
 * An unreachable registry yields no edges.
 */
export function relayEdges(relayHttpUrl: string): EdgeSource {
  return async (signal) => {
    try {
      const res = await fetch(relayHttpUrl.replace(/\/+$/, "") + "/v1/executors", { signal });
      if (!res.ok) return [];
      const { executors } = await res.json() as { executors?: unknown[] };
      const out: EdgeTarget[] = [];
      for (const value of executors ?? []) {
        try {
          const r = verifyExecutorRecord(value);
          out.push({ url: r.url, executorPeerId: r.executorPeerId, limits: r.limits });
        } catch {
          // skip bad records
        }
      }
      return out;
    } catch {
      return [];
    }
  };
}

/** All edges of several sources, each executor once. */
export function combineEdges(...sources: EdgeSource[]): EdgeSource {
  return async (signal) => {
    const lists = await Promise.all(sources.map((s) => s(signal)));
    const seen = new Set<string>();
    return lists.flat().filter((e) => !seen.has(e.executorPeerId) && seen.add(e.executorPeerId));
  };
}
