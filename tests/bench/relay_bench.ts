// Relay figures, with the relay as a real process (relay/main.ts):
// - cold start: process spawn -> "relay listening" -> /health answers;
// - gossip hop latency client -> relay -> client over 1,000 announcements;
// - relayed stream throughput, 16 MB one way over /p2p-circuit;
// - N concurrent WebSocket libp2p peers from a separate process: time to
//   connect them all and relay RSS per connection.
//
// deno run -A tests/bench/relay_bench.ts [--peers 1000] [--messages 1000] [--v8-flags FLAGS]

import { multiaddr } from "@multiformats/multiaddr";
import { startRelayProcess } from "../_processes.ts";
import { connectPeers, rssKiB } from "./_peers_process.ts";
import { startClientNode } from "../../cli/_p2p.ts";
import { generateKeyPair } from "../../shared/crypto/mod.ts";
import { buildManifest } from "../../shared/manifest/mod.ts";
import { JOB_TOPIC } from "../../shared/protocol/mod.ts";
import { percentile } from "./_stats.ts";

const flag = (name: string, fallback: number) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
};
const PEERS = flag("peers", 1000);
// --v8-flags "" runs the relay with V8's defaults instead of the shipped flags.
const v8i = Deno.args.indexOf("--v8-flags");
const v8Flags = v8i >= 0 ? Deno.args[v8i + 1] : undefined;
const MESSAGES = flag("messages", 1000);

// Cold start, five times.
const starts: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  const relay = await startRelayProcess({ v8Flags });
  await (await fetch(`${relay.httpUrl}/health`)).body?.cancel();
  starts.push(performance.now() - t);
  const logged = relay.proc.json[0].startupMs as number;
  if (i === 0) console.log(`relay startup inside the process (key, libp2p, HTTP): ${logged} ms`);
  await relay.stop();
}
console.log(
  `relay cold start (spawn -> listening -> /health answered): median ${
    percentile(starts, 50).toFixed(0)
  } ms (5 runs; includes Deno's own start and module loading)`,
);

const relay = await startRelayProcess({ v8Flags });
try {
  // Gossip hop latency.
  const a = await startClientNode(generateKeyPair(), { relays: relay.multiaddrs, reserve: false });
  const b = await startClientNode(generateKeyPair(), { relays: relay.multiaddrs, reserve: true });
  const keyPair = generateKeyPair();
  const sent = new Map<string, number>();
  const hops: number[] = [];
  let arrived: (() => void) | undefined;
  b.services.pubsub.subscribe(JOB_TOPIC);
  b.services.pubsub.addEventListener("message", (e) => {
    const id = JSON.parse(new TextDecoder().decode(e.detail.data)).manifest.id;
    const t = sent.get(id);
    if (t !== undefined) {
      hops.push(performance.now() - t);
      sent.delete(id);
      arrived?.();
    }
  });
  const messages = Array.from({ length: MESSAGES + 20 }, () => {
    const manifest = buildManifest({ module: { sha256: "a".repeat(64), size: 10 } }, keyPair);
    return {
      id: manifest.id,
      bytes: new TextEncoder().encode(JSON.stringify({
        v: 1,
        type: "announce",
        manifest,
        submitter: a.peerId.toString(),
        addrs: [],
        round: 1,
        exclude: [],
      })),
    };
  });
  // Warm up until b is in the relay's mesh.
  const until = Date.now() + 15_000;
  let w = 0;
  while (hops.length === 0 && Date.now() < until) {
    const m = messages[w++ % 20];
    sent.set(m.id, performance.now());
    await a.services.pubsub.publish(JOB_TOPIC, m.bytes);
    await new Promise((r) => setTimeout(r, 100));
  }
  hops.length = 0;
  sent.clear();
  for (const m of messages.slice(20)) {
    const got = new Promise<void>((resolve) => (arrived = resolve));
    sent.set(m.id, performance.now());
    await a.services.pubsub.publish(JOB_TOPIC, m.bytes);
    await Promise.race([got, new Promise((r) => setTimeout(r, 1000))]);
  }
  console.log(
    `gossip hop client -> relay -> client (${hops.length}/${MESSAGES} delivered): median ${
      percentile(hops, 50).toFixed(2)
    } ms, p99 ${percentile(hops, 99).toFixed(2)} ms`,
  );

  // Relayed stream throughput: 16 MB from a to b through b's circuit address.
  let done: (n: number) => void;
  const total = new Promise<number>((r) => (done = r));
  await b.handle("/phase/bench-sink/1.0.0", async (stream) => {
    let n = 0;
    for await (const chunk of stream) {
      n += chunk instanceof Uint8Array ? chunk.length : chunk.byteLength;
      if (n >= 16 * 1024 * 1024) break;
    }
    done(n);
    await stream.close();
  }, { runOnLimitedConnection: true });
  const circuit = b.getMultiaddrs().find((m) => m.toString().includes("/p2p-circuit"))!;
  const stream = await a.dialProtocol(multiaddr(circuit.toString()), "/phase/bench-sink/1.0.0", {
    runOnLimitedConnection: true,
  });
  const chunk = new Uint8Array(64 * 1024).fill(7);
  const t = performance.now();
  for (let off = 0; off < 16 * 1024 * 1024; off += chunk.length) {
    if (!stream.send(chunk)) await stream.onDrain();
  }
  await total;
  const s = (performance.now() - t) / 1000;
  console.log(`relayed stream throughput, 16 MB over /p2p-circuit: ${(16 / s).toFixed(1)} MB/s`);
  await Promise.all([a.stop(), b.stop()]);

  // N concurrent peers from a separate process.
  await new Promise((r) => setTimeout(r, 1000));
  const pid = relay.proc.child.pid;
  const before = rssKiB(pid);
  const { report, close } = await connectPeers(PEERS, relay.multiaddrs[0]);
  await new Promise((r) => setTimeout(r, 3000)); // let the relay settle (identify, gossipsub)
  const status = await (await fetch(`${relay.httpUrl}/status`)).json();
  const after = rssKiB(pid);
  console.log(
    `${report.connected} concurrent WebSocket peers (separate process): connected in ${
      (report.ms / 1000).toFixed(1)
    } s; relay RSS ${(before / 1024).toFixed(0)} -> ${(after / 1024).toFixed(0)} MiB = ${
      ((after - before) / report.connected).toFixed(0)
    } KiB per connection (${status.connections.total} connections seen by the relay; ${report.retries} dials retried)`,
  );
  await close();
} finally {
  await relay.stop();
}

// Leftover client sockets may keep the event loop alive; the figures are printed.
Deno.exit(0);
