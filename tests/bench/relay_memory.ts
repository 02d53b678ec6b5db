// Where the relay's memory per connection goes, and what V8 settings do to
// it: starts the real relay (relay/main.ts) once per setting, connects N
// WebSocket libp2p peers from a separate process (like relay_bench.ts), and
// reports RSS and V8 heap growth and relay CPU time per connection.
//
// deno run -A tests/bench/relay_memory.ts [--peers 300]

import { startRelayProcess } from "../_processes.ts";

const i = Deno.args.indexOf("--peers");
const PEERS = i >= 0 ? Number(Deno.args[i + 1]) : 300;

const SETTINGS: [string, string][] = [
  ["default V8 settings", ""],
  ["--max-semi-space-size=1", "--max-semi-space-size=1"],
  ["--optimize-for-size (what the relay ships with)", "--optimize-for-size"],
  ["--optimize-for-size --max-semi-space-size=1", "--optimize-for-size,--max-semi-space-size=1"],
];

function rssKiB(pid: number): number {
  return Number(Deno.readTextFileSync(`/proc/${pid}/status`).match(/VmRSS:\s+(\d+)/)![1]);
}

function cpuMs(pid: number): number {
  // utime + stime, in clock ticks (100 per second on Linux).
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

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
  const peers = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tests/bench/_relay_peers.ts", String(PEERS), relay.multiaddrs[0]],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = peers.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const report = JSON.parse((await reader.read()).value ?? "{}");
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
  await peers.stdin.close();
  // Stopping hundreds of nodes can take long; the figure is already taken.
  const timer = setTimeout(() => peers.kill("SIGKILL"), 5_000);
  await peers.status;
  clearTimeout(timer);
  await relay.stop();
}

Deno.exit(0);
