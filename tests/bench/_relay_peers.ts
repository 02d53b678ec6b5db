// Child process of relay_bench.ts: opens N libp2p peers to one relay (each
// subscribed to the job topic, like a browser node), prints the time it took
// as JSON, then holds them until stdin closes.
//
// deno run -A tests/bench/_relay_peers.ts N MULTIADDR

import { startClientNode } from "../../cli/_p2p.ts";
import { generateKeyPair } from "../../shared/crypto/mod.ts";
import { JOB_TOPIC } from "../../shared/protocol/mod.ts";
import type { PhaseLibp2p } from "../../shared/node/mod.ts";

const n = Number(Deno.args[0]);
const relay = Deno.args[1];
const nodes: PhaseLibp2p[] = [];
const started = performance.now();
const BATCH = 25;
let retries = 0;
for (let i = 0; i < n; i += BATCH) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(BATCH, n - i) }, async () => {
      // A busy relay may drop a handshake now and then; retry like a real client.
      for (let attempt = 1;; attempt++) {
        try {
          const node = await startClientNode(generateKeyPair(), {
            relays: [relay],
            reserve: false,
          });
          node.services.pubsub.subscribe(JOB_TOPIC);
          return node;
        } catch (err) {
          retries++;
          if (attempt === 3) throw err;
        }
      }
    }),
  );
  nodes.push(...batch);
}
console.log(JSON.stringify({ connected: nodes.length, ms: performance.now() - started, retries }));
for await (const _ of Deno.stdin.readable) { /* hold until the parent closes stdin */ }
await Promise.all(nodes.map((node) => node.stop()));
