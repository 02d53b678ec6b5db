/**
 * `phase status --relay URL`: the network as the relay sees it.
 *
 * @module
 */

import { verifyExecutorRecord } from "../shared/edge/mod.ts";
import { PhaseError } from "../shared/errors.ts";
import { type Command, parseFlags, UsageError } from "./command.ts";
import { EXIT_JOB_FAILED, EXIT_USAGE } from "./exit_codes.ts";

const HELP = `usage: deno task phase status --relay URL [--json]

Prints the relay's /status: its peer id and addresses, uptime, connected
peers by kind, circuit reservations, topics and jobs seen, plus the edge
executors registered with it (/v1/executors: url, runtime, engine, peer id).
Each executor record's signature is checked here, as a submitter would: records
that fail are listed under edgeExecutorsRejected with the reason, not as
executors.`;

/** `phase status`: prints the relay's view of the network. */
export const statusCommand: Command = {
  name: "status",
  summary: "show the network as a relay sees it",
  async run(args) {
    try {
      const { values } = parseFlags(args, {
        relay: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean" },
      });
      if (values.help) {
        console.log(HELP);
        return 0;
      }
      const base = (values.relay as string | undefined)?.replace(/\/+$/, "");
      if (!base || !/^https?:\/\//.test(base)) {
        throw new UsageError("--relay takes the relay's http(s) URL");
      }
      const res = await fetch(`${base}/status`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`${base}/status answered HTTP ${res.status}`);
      const status = await res.json();
      const edges = await edgeExecutors(base);
      status.edgeExecutors = edges.verified;
      status.edgeExecutorsRejected = edges.rejected;
      if (values.json) {
        console.log(JSON.stringify(status, null, 2));
        return 0;
      }
      const { edgeExecutors: _, edgeExecutorsRejected: __, ...rest } = status as Record<
        string,
        unknown
      >;
      for (const [key, value] of Object.entries(rest)) {
        const text = typeof value === "object" ? JSON.stringify(value) : String(value);
        console.log(`${key.padEnd(14)} ${text}`);
      }
      console.log(`${"edgeExecutors".padEnd(14)} ${edges.verified.length}`);
      for (const e of edges.verified) {
        console.log(`  ${e.url} ${e.runtime}/${e.engine} ${e.executorPeerId} (${e.expiresInS} s)`);
      }
      if (edges.rejected.length > 0) {
        console.log(`rejected       ${edges.rejected.length} (records that failed verification)`);
        for (const e of edges.rejected) console.log(`  ${e.url} ${e.code}: ${e.message}`);
      }
      return 0;
    } catch (err) {
      console.error(`phase status: ${err instanceof Error ? err.message : err}`);
      return err instanceof UsageError ? EXIT_USAGE : EXIT_JOB_FAILED;
    }
  },
};

interface EdgeLine {
  url: string;
  runtime: string;
  engine: string;
  executorPeerId: string;
  expiresInS: number;
}

interface RejectedLine {
  /** The URL the record claims (unverified). */
  url: string;
  code: string;
  message: string;
}

/**
 * The relay's registered edge executors, each record verified (shape,
 * signature, validity window) as a submitter would: a relay could otherwise
 * list executors that never signed up. None if the relay has no registry.
 */
async function edgeExecutors(
  base: string,
): Promise<{ verified: EdgeLine[]; rejected: RejectedLine[] }> {
  const verified: EdgeLine[] = [], rejected: RejectedLine[] = [];
  try {
    const res = await fetch(`${base}/v1/executors`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) {
      await res.body?.cancel();
      return { verified, rejected };
    }
    const { executors } = await res.json() as { executors?: unknown[] };
    for (const value of Array.isArray(executors) ? executors : []) {
      try {
        const e = verifyExecutorRecord(value);
        verified.push({
          url: e.url,
          runtime: e.runtime,
          engine: e.engine,
          executorPeerId: e.executorPeerId,
          expiresInS: Math.round((e.expiresAt - Date.now()) / 1000),
        });
      } catch (err) {
        const claimed = (value as { url?: unknown } | null)?.url;
        rejected.push({
          url: typeof claimed === "string" ? claimed.slice(0, 200) : "?",
          code: err instanceof PhaseError ? err.code : "executor_record_invalid",
          message: err instanceof Error ? err.message : String(err),
        });
      }
    }
  } catch {
    // an unreachable or malformed registry lists nothing
  }
  return { verified, rejected };
}
