/**
 * `phase node --relay URL_OR_MULTIADDR [--slots N]`: runs a Deno executor
 * node that takes jobs from the network until SIGINT/SIGTERM. Prints one
 * JSON line per event (which job it offered on, ran, how it ended).
 *
 * @module
 */

import { type Command, intFlag, parseFlags, UsageError } from "./command.ts";
import { loadNodeKey } from "./keys.ts";
import { resolveRelays } from "./_relay_addr.ts";
import { startClientNode } from "./_p2p.ts";
import { createExecute } from "./_execute.ts";
import { type ExecuteJob, startExecutorNode } from "../shared/node/mod.ts";
import { JOB_TOPIC } from "../shared/protocol/mod.ts";
import { PhaseError } from "../shared/errors.ts";
import { EXIT_LOCAL_ERROR, EXIT_USAGE } from "./exit_codes.ts";
import { sha256Hex } from "../shared/crypto/mod.ts";

const HELP = `usage: deno task phase node --relay URL_OR_MULTIADDR [options]

Runs an executor node: takes jobs announced on the network, runs them in a
WASI sandbox with each job's limits, and returns signed receipts.

options:
  --relay URL|MULTIADDR  relay to join (repeatable); an http(s) URL reads its /bootstrap
  --slots N              jobs run at once (default 2)
  --engine jit|interp    WebAssembly engine (default jit)
  --key FILE             node key file (default $PHASE_HOME/node.key.json)
  --help                 this text

Prints one JSON line per event to stdout. Stops cleanly on SIGINT/SIGTERM.`;

/** Options of {@linkcode runNode}. */
export interface RunNodeOptions {
  /** Stops the node when aborted. */
  signal: AbortSignal;
  /** Where event lines go. */
  print?: (line: string) => void;
}

/** Runs an executor node until `options.signal` aborts. */
export async function runNode(args: string[], options: RunNodeOptions): Promise<number> {
  const { values } = parseFlags(args, {
    relay: { type: "string", multiple: true },
    slots: { type: "string" },
    engine: { type: "string" },
    key: { type: "string" },
    help: { type: "boolean" },
  });
  const print = options.print ?? ((line: string) => console.log(line));
  if (values.help) {
    print(HELP);
    return 0;
  }
  const slots = intFlag(values.slots, "slots", { min: 1, max: 64, fallback: 2 })!;
  const engine = (values.engine ?? "jit") as string;
  if (!["jit", "interp", "auto"].includes(engine)) throw new UsageError("--engine jit|interp|auto");
  const relay = await resolveRelays((values.relay as string[] | undefined) ?? []);
  const keyPair = await loadNodeKey(values.key as string | undefined);
  const libp2p = await startClientNode(keyPair, { relays: relay.multiaddrs, reserve: false });
  const log = (fields: Record<string, unknown>) =>
    print(
      JSON.stringify({
        time: new Date().toISOString(),
        peerId: libp2p.peerId.toString(),
        ...fields,
      }),
    );
  const host = createExecute({ engine: engine as "jit" | "interp" | "auto", slots });
  const node = startExecutorNode(libp2p, {
    keyPair,
    execute: misbehave(host.execute),
    runtime: "deno",
    engine: engine === "interp" ? "interp" : "v8",
    topic: JOB_TOPIC,
    slots,
    onEvent: (e) => log({ ...e }),
    fetchModule: relay.httpUrl ? (sha) => fetchModule(relay.httpUrl!, sha) : undefined,
  });
  log({ event: "ready", slots, relays: relay.multiaddrs });
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    options.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await node.stop();
  await libp2p.stop();
  host.close();
  log({ event: "stopped", stats: node.stats });
  return 0;
}

// Test-only: PHASE_TEST_MISBEHAVE=lie makes this node return a wrong output
// (with a valid receipt over it), so tests can prove that redundancy catches
// liars. Never set it outside tests.
function misbehave(execute: ExecuteJob): ExecuteJob {
  if (Deno.env.get("PHASE_TEST_MISBEHAVE") !== "lie") return execute;
  return async (...args) => {
    const result = await execute(...args);
    return { ...result, stdout: new TextEncoder().encode("a lie\n") };
  };
}

async function fetchModule(base: string, sha256: string): Promise<Uint8Array> {
  const res = await fetch(`${base}/v1/modules/${sha256}`, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) {
    await res.body?.cancel();
    throw new PhaseError("module_unavailable", `relay store answered ${res.status} for ${sha256}`);
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (sha256Hex(bytes) !== sha256) {
    throw new PhaseError("module_hash_mismatch", "relay store returned other bytes");
  }
  return bytes;
}

/** `phase node`: runs an executor node. */
export const nodeCommand: Command = {
  name: "node",
  summary: "run an executor node that takes jobs from the network",
  async run(args) {
    const controller = new AbortController();
    const stop = () => controller.abort();
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
    try {
      return await runNode(args, { signal: controller.signal });
    } catch (err) {
      console.error(`phase node: ${err instanceof Error ? err.message : err}`);
      return err instanceof UsageError ? EXIT_USAGE : EXIT_LOCAL_ERROR;
    } finally {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
    }
  },
};
