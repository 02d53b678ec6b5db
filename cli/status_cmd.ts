/**
 * `phase status --relay URL`: the network as the relay sees it.
 *
 * @module
 */

import { type Command, parseFlags, UsageError } from "./command.ts";
import { EXIT_JOB_FAILED, EXIT_USAGE } from "./exit_codes.ts";

const HELP = `usage: deno task phase status --relay URL [--json]

Prints the relay's /status: its peer id and addresses, uptime, connected
peers by kind, circuit reservations, topics and jobs seen, plus the edge
executors registered with it (/v1/executors: url, runtime, engine, peer id).`;

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
      status.edgeExecutors = await edgeExecutors(base);
      if (values.json) {
        console.log(JSON.stringify(status, null, 2));
        return 0;
      }
      const { edgeExecutors: edges, ...rest } = status as Record<string, unknown>;
      for (const [key, value] of Object.entries(rest)) {
        const text = typeof value === "object" ? JSON.stringify(value) : String(value);
        console.log(`${key.padEnd(14)} ${text}`);
      }
      const list = edges as EdgeLine[];
      console.log(`${"edgeExecutors".padEnd(14)} ${list.length}`);
      for (const e of list) {
        console.log(`  ${e.url} ${e.runtime}/${e.engine} ${e.executorPeerId} (${e.expiresInS} s)`);
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

/** The relay's registered edge executors (none if it has no registry). */
async function edgeExecutors(base: string): Promise<EdgeLine[]> {
  try {
    const res = await fetch(`${base}/v1/executors`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) {
      await res.body?.cancel();
      return [];
    }
    const { executors } = await res.json() as { executors?: Record<string, unknown>[] };
    return (executors ?? []).map((e) => ({
      url: String(e.url),
      runtime: String(e.runtime),
      engine: String(e.engine),
      executorPeerId: String(e.executorPeerId),
      expiresInS: Math.round((Number(e.expiresAt) - Date.now()) / 1000),
    }));
  } catch {
    return [];
  }
}
