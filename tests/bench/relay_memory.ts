// Where the relay's memory per connection goes, and what V8 settings do to
// it: starts the real relay (relay/main.ts) once per setting, connects N
// WebSocket libp2p peers from a separate process (like relay_bench.ts), and
// reports RSS and V8 heap growth and relay CPU time per connection.
//
// deno run -A tests/bench/relay_memory.ts [--peers 300]

import { startRelayProcess } from "../_processes.ts";
import { connectPeers, cpuMs, rssKiB } from "./_peers_process.ts";

const i = Deno.args.indexOf("--peers");
const PEERS = i >= 0 ? Number(Deno.args[i + 1]) : 300;

const SETTINGS: [string, string][] = [
  ["default V8 settings", ""],
  ["--max-semi-space-size=1", "--max-semi-space-size=1"],
  ["--optimize-for-size (what the relay ships with)", "--optimize-for-size"],
  ["--optimize-for-size --max-semi-space-size=1", "--optimize-for-size,--max-semi-space-size=1"],
];

async function heap(httpUrl: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  return Number(text.match(/^process_heap_used_bytes (\d+)/m)![1]) / 1024;
}

for (const [label, flags] of SETTINGS) {
  const relay = await startRelayProcess({ v8Flags: flags });
  await new Promise((r) => setTimeout(r, 1000));
  const pid = relay.proc.child.pid;
  const rss0 = rssKiB(pid);
  const heap0 = await heap(relay.httpUrl);
  const cpu0 = cpuMs(pid);
  const { report, close } = await connectPeers(PEERS, relay.multiaddrs[0]);
  await new Promise((r) => setTimeout(r, 3000));
  const rss1 = rssKiB(pid);
  const heap1 = await heap(relay.httpUrl);
  const cpu1 = cpuMs(pid);
  console.log(
    `${label}: ${report.connected} peers in ${(report.ms / 1000).toFixed(1)} s; RSS ${
      ((rss1 - rss0) / report.connected).toFixed(0)
    } KiB/conn (${(rss0 / 1024).toFixed(0)} -> ${(rss1 / 1024).toFixed(0)} MiB); V8 heap used ${
      ((heap1 - heap0) / report.connected).toFixed(0)
    } KiB/conn; relay CPU ${((cpu1 - cpu0) / report.connected).toFixed(2)} ms/conn`,
  );
  await close();
  await relay.stop();
}

Deno.exit(0);
