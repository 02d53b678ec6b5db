/**
 * The relay's libp2p node: WebSockets listener, noise, yamux, identify,
 * ping, a circuit-relay-v2 server and gossipsub as the hub of the job topic.
 *
 * Settings chosen on purpose (libp2p's defaults suit a small peer, not a hub):
 * - circuit relay: 10,000 reservations of 2 h; relayed connections may carry
 *   1 GiB for 30 min (defaults 128 KiB / 2 min cut a module transfer short);
 * - connection manager: 10,000 connections, and no per-host inbound rate
 *   limit worth the name (every browser behind one NAT shares an address);
 * - gossipsub: no IP-colocation penalty (same reason), a mesh of 8-16 for a
 *   hub, messages capped at 1 MiB on the wire and announcements at 64 KiB,
 *   and a topic validator that drops anything that is not a valid, signed
 *   job announcement before it is forwarded.
 *
 * @module
 */

import { createLibp2p } from "libp2p";
import { webSockets } from "@libp2p/websockets";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { identify } from "@libp2p/identify";
import { ping } from "@libp2p/ping";
import { circuitRelayServer } from "@libp2p/circuit-relay-v2";
import { gossipsub, TopicValidatorResult } from "@libp2p/gossipsub";
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import { multiaddr } from "@multiformats/multiaddr";
import WebSocket from "ws";
import type { KeyPair } from "../shared/crypto/mod.ts";
import {
  decodeAnnouncement,
  GOSSIPSUB_OPTIONS,
  JOB_TOPIC,
  PEER_TOPIC,
} from "../shared/protocol/mod.ts";
import { validateManifestAsync } from "../shared/manifest/mod.ts";

// Outbound dials (to other relays) use the global WebSocket; Deno's own
// leaves Nagle on, `ws` does not.
(globalThis as { WebSocket: unknown }).WebSocket = WebSocket;

/** Options of {@linkcode createRelayNode}. */
export interface RelayNodeOptions {
  /** Listen address and port for WebSockets. */
  bind: string;
  wsPort: number;
  /** Host to announce instead of `bind`. */
  announce?: string;
  /** Counts valid announcements seen. */
  onAnnouncement?: () => void;
}

/** Creates and starts the relay's libp2p node. */
export async function createRelayNode(keyPair: KeyPair, options: RelayNodeOptions) {
  const privateKey = await generateKeyPairFromSeed("Ed25519", keyPair.secretKey);
  const family = options.bind.includes(":") ? "ip6" : "ip4";
  const node = await createLibp2p({
    privateKey,
    addresses: {
      listen: [`/${family}/${options.bind}/tcp/${options.wsPort}/ws`],
    },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      maxConnections: 10_000,
      inboundConnectionThreshold: 10_000,
      maxIncomingPendingConnections: 1_000,
    },
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer({
        reservations: {
          maxReservations: 10_000,
          reservationTtl: 2 * 60 * 60_000,
          defaultDataLimit: 1n << 30n,
          defaultDurationLimit: 30 * 60_000,
        },
        maxInboundHopStreams: 1024,
        maxOutboundStopStreams: 1024,
      }),
      pubsub: gossipsub({ ...GOSSIPSUB_OPTIONS, D: 8, Dlo: 6, Dhi: 16, Dout: 2 }),
    },
  });
  const pubsub = node.services.pubsub;
  pubsub.topicValidators.set(JOB_TOPIC, async (_peer, message) => {
    try {
      const announcement = decodeAnnouncement(message.data);
      await validateManifestAsync(announcement.manifest);
      options.onAnnouncement?.();
      return TopicValidatorResult.Accept;
    } catch {
      return TopicValidatorResult.Reject;
    }
  });
  pubsub.subscribe(JOB_TOPIC);
  // Web nodes find each other here; the relay is the hub that forwards it.
  pubsub.topicValidators.set(
    PEER_TOPIC,
    (_peer, message) =>
      message.data.length <= 4096 ? TopicValidatorResult.Accept : TopicValidatorResult.Reject,
  );
  pubsub.subscribe(PEER_TOPIC);
  return node;
}

/** The relay's libp2p node type. */
export type RelayNode = Awaited<ReturnType<typeof createRelayNode>>;

/** Dials `addrs` now and again whenever the connection drops (with backoff). */
export function keepConnected(
  node: RelayNode,
  addrs: string[],
  log: (msg: string, fields: Record<string, unknown>) => void,
): () => void {
  let stopped = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  for (const addr of addrs) {
    let backoff = 500;
    const target = multiaddr(addr);
    const peer = target.getComponents().find((c) => c.name === "p2p")?.value;
    const attempt = async () => {
      if (stopped) return;
      const connected = peer && node.getConnections().some((c) => c.remotePeer.toString() === peer);
      if (!connected) {
        try {
          await node.dial(target, { signal: AbortSignal.timeout(10_000) });
          log("joined relay", { addr });
          backoff = 500;
        } catch (err) {
          log("cannot reach relay", { addr, error: (err as Error).message, retryMs: backoff });
          backoff = Math.min(backoff * 2, 30_000);
        }
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        attempt();
      }, connected ? 5_000 : backoff);
      timers.add(timer);
    };
    attempt();
  }
  return () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
  };
}
