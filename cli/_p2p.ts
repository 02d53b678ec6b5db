// The CLI's libp2p node: a Deno client of the relay (WebSockets through the
// `ws` package, circuit-relay reservation, gossipsub), with the node's Phase
// key as its libp2p identity so receipts and peer ids match.

import { createLibp2p } from "libp2p";
import { webSockets } from "@libp2p/websockets";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { identify } from "@libp2p/identify";
import { ping } from "@libp2p/ping";
import { circuitRelayTransport } from "@libp2p/circuit-relay-v2";
import { gossipsub } from "@libp2p/gossipsub";
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import { multiaddr } from "@multiformats/multiaddr";
import WebSocket from "ws";
import type { KeyPair } from "../shared/crypto/mod.ts";
import type { PhaseLibp2p } from "../shared/node/mod.ts";
import { GOSSIPSUB_OPTIONS } from "../shared/protocol/mod.ts";
import { PhaseError } from "../shared/errors.ts";

// @libp2p/websockets dials with the global WebSocket. Deno's own client leaves
// Nagle on (~40 ms per small message), so use `ws`, which sets TCP_NODELAY.
(globalThis as { WebSocket: unknown }).WebSocket = WebSocket;

/** Options of {@linkcode startClientNode}. */
export interface ClientNodeOptions {
  /** Relay multiaddrs (with /p2p/<id>). */
  relays: string[];
  /** Make a circuit reservation so peers can open streams to us. */
  reserve: boolean;
  /** Give up connecting after this long. Default 10 s. */
  timeoutMs?: number;
}

/** Starts a libp2p node with `keyPair` as identity and connects it to the relays. */
export async function startClientNode(
  keyPair: KeyPair,
  options: ClientNodeOptions,
): Promise<PhaseLibp2p> {
  const privateKey = await generateKeyPairFromSeed("Ed25519", keyPair.secretKey);
  const node = await createLibp2p({
    privateKey,
    addresses: { listen: options.reserve ? ["/p2p-circuit"] : [] },
    transports: [webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Relayed peers all arrive from the relay's address: the default of five
    // inbound connections per second per host would turn executors away.
    connectionManager: {
      maxConnections: 1000,
      inboundConnectionThreshold: 1000,
      maxIncomingPendingConnections: 1000,
    },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub(GOSSIPSUB_OPTIONS),
    },
  });
  const until = Date.now() + (options.timeoutMs ?? 10_000);
  const errors: string[] = [];
  let connected = 0;
  for (const addr of options.relays) {
    try {
      await node.dial(multiaddr(addr), { signal: AbortSignal.timeout(until - Date.now()) });
      connected++;
    } catch (err) {
      errors.push(`${addr}: ${err instanceof Error ? err.message : err}`);
    }
  }
  if (connected === 0) {
    await node.stop();
    throw new PhaseError("relay_unreachable", `cannot reach any relay:\n  ${errors.join("\n  ")}`);
  }
  if (options.reserve) {
    while (!node.getMultiaddrs().some((a) => a.toString().includes("/p2p-circuit"))) {
      if (Date.now() > until) {
        await node.stop();
        throw new PhaseError("relay_no_reservation", "the relay did not grant a reservation");
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  return node as unknown as PhaseLibp2p;
}
