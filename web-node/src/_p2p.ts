// The tab's libp2p node: WebSockets to the relay, a circuit-relay
// reservation, a `/webrtc` listen address so other tabs reach this one
// directly (the relay only carries the WebRTC signalling), floodsub,
// identify and ping. Keeps the relay connection up with backoff, and finds
// other tabs through a small gossip topic where each tab posts its addresses.

import { createLibp2p } from "libp2p";
import { webSockets } from "@libp2p/websockets";
import { webRTC } from "@libp2p/webrtc";
import { noise } from "@libp2p/noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { identify } from "@libp2p/identify";
import { ping } from "@libp2p/ping";
import { circuitRelayTransport } from "@libp2p/circuit-relay-v2";
import { floodsub } from "@libp2p/floodsub";
import { privateKeyFromRaw } from "@libp2p/crypto/keys";
import { type Multiaddr, multiaddr } from "@multiformats/multiaddr";
import { hostOf, isPrivateHost } from "./_hosts.ts";
import type { KeyPair } from "../../shared/crypto/mod.ts";
import type { PhaseLibp2p } from "../../shared/node/mod.ts";
import { PEER_TOPIC } from "../../shared/protocol/mod.ts";

/** Options of {@linkcode startBrowserNode}. */
export interface BrowserNodeOptions {
  /** The relay's dialable multiaddrs (from its /bootstrap). */
  relays: string[];
  /** Called when the relay connection or reservation changes. */
  onChange?: () => void;
}

/** A running browser node. */
export interface BrowserNode {
  libp2p: PhaseLibp2p;
  /** Relay peer id. */
  relayPeerId: string;
  /** True while connected to the relay. */
  readonly relayConnected: boolean;
  /** True while this tab holds a circuit reservation (others can reach it). */
  readonly reserved: boolean;
  /** Relay reconnections so far. */
  readonly reconnects: number;
  /** Durations (ms) of the WebRTC dials this tab made to other tabs. */
  dialTimes: number[];
  stop(): Promise<void>;
}

/** Starts the tab's libp2p node and connects it to the relay. */
export async function startBrowserNode(
  keyPair: KeyPair,
  options: BrowserNodeOptions,
): Promise<BrowserNode> {
  const relayAddrs = options.relays.map((a) => multiaddr(a));
  const relayPeerId = relayAddrs[0].getComponents().findLast((c) => c.name === "p2p")!.value!;
  // Browsers refuse private addresses by default. A page served from a
  // private or loopback host (a LAN or a developer's machine) is on that
  // network already, so it may dial there; a public page may not.
  const pagePrivate = isPrivateHost(location.hostname);
  // Seed + public key: libp2p takes the pair as is instead of deriving it again.
  const raw = new Uint8Array(64);
  raw.set(keyPair.secretKey);
  raw.set(keyPair.publicKey, 32);
  const privateKey = privateKeyFromRaw(raw);
  const libp2p = await createLibp2p({
    privateKey,
    addresses: { listen: ["/p2p-circuit", "/webrtc"] },
    transports: [
      webSockets(),
      webRTC(),
      circuitRelayTransport({ reservationCompletionTimeout: 5_000 }),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      denyDialMultiaddr: (ma: Multiaddr) => {
        const host = hostOf(ma);
        return host !== undefined && isPrivateHost(host) && !pagePrivate;
      },
    },
    connectionManager: {
      maxConnections: 300,
      inboundConnectionThreshold: 300,
      maxIncomingPendingConnections: 100,
    },
    services: {
      identify: identify(),
      ping: ping(),
      // Floodsub, not gossipsub: a tab has a handful of peers, so flooding
      // costs nothing, and gossipsub is a third of the page's JavaScript
      // (98 of 618 KiB min). The relay and Deno nodes run gossipsub, which
      // serves floodsub peers (every message on their topics, both ways).
      pubsub: floodsub(),
    },
  }) as unknown as PhaseLibp2p;

  let stopped = false;
  let reconnects = 0;
  const changed = () => options.onChange?.();
  const isRelay = (peer: { toString(): string }) => peer.toString() === relayPeerId;

  async function dialRelay(): Promise<void> {
    let backoff = 250;
    while (!stopped) {
      try {
        await libp2p.dial(relayAddrs, { signal: AbortSignal.timeout(5_000) });
        return;
      } catch {
        await new Promise((r) => setTimeout(r, backoff));
        // Capped low: a returning relay should see its tabs back within seconds.
        backoff = Math.min(backoff * 2, 2_000);
      }
    }
  }

  libp2p.addEventListener("peer:disconnect", (e) => {
    changed();
    if (stopped || !isRelay(e.detail)) return;
    reconnects++;
    void dialRelay();
  });
  libp2p.addEventListener("self:peer:update", changed);
  // A new reservation shows up as a listening circuit address.
  libp2p.addEventListener("transport:listening", changed);
  libp2p.addEventListener("transport:close", changed);
  libp2p.addEventListener("connection:open", changed);
  libp2p.addEventListener("connection:close", changed);

  await dialRelay();
  const dialTimes: number[] = [];
  const stopDiscovery = startPeerDiscovery(libp2p, dialTimes);
  return {
    libp2p,
    relayPeerId,
    get relayConnected() {
      return libp2p.getConnections().some((c) => isRelay(c.remotePeer) && c.status === "open");
    },
    get reserved() {
      return libp2p.getMultiaddrs().some((a) => a.toString().includes("/p2p-circuit"));
    },
    get reconnects() {
      return reconnects;
    },
    dialTimes,
    async stop() {
      stopped = true;
      stopDiscovery();
      await libp2p.stop();
    },
  };
}

// Tabs announce their WebRTC addresses on PEER_TOPIC every few seconds. Of
// two tabs, the one that joined earlier dials (ties: the smaller peer id),
// so they do not race each other, and a newcomer is dialled as soon as its
// first note arrives: the older tab is already in the relay's gossip mesh
// and hears it at once, while the newcomer would wait for the relay's next
// heartbeat to hear back.
function startPeerDiscovery(libp2p: PhaseLibp2p, dialTimes: number[]): () => void {
  const pubsub = libp2p.services.pubsub;
  const self = libp2p.peerId.toString();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const dialing = new Set<string>();
  const known = new Set<string>();
  const startedAt = Date.now();
  let lastPost = 0;
  pubsub.subscribe(PEER_TOPIC);
  const onMessage = (
    event: CustomEvent<{ topic: string; data: Uint8Array; from?: { toString(): string } }>,
  ) => {
    if (event.detail.topic !== PEER_TOPIC) return;
    let note: { peerId?: unknown; addrs?: unknown; since?: unknown };
    try {
      note = JSON.parse(decoder.decode(event.detail.data));
    } catch {
      return;
    }
    const peerId = note.peerId;
    const addrs = note.addrs;
    if (typeof peerId !== "string" || peerId === self || !Array.isArray(addrs)) return;
    // Gossip is signed: a tab may only advertise itself.
    if (event.detail.from?.toString() !== peerId) return;
    if (!known.has(peerId)) {
      // A newcomer: answer with our addresses now rather than at the next
      // round, so whichever of us dials does not wait for it.
      known.add(peerId);
      if (known.size > 10_000) known.clear();
      post();
    }
    const since = typeof note.since === "number" && Number.isFinite(note.since)
      ? note.since
      : Infinity;
    const weDial = startedAt < since || (startedAt === since && self < peerId);
    if (!weDial || dialing.has(peerId)) return;
    const direct = libp2p.getConnections().some((c) =>
      c.remotePeer.toString() === peerId && c.limits == null && c.status === "open"
    );
    if (direct) return;
    const webrtc = addrs.filter((a): a is string =>
      typeof a === "string" && a.length < 512 && a.includes("/webrtc/p2p/" + peerId)
    ).slice(0, 4);
    if (webrtc.length === 0) return;
    dialing.add(peerId);
    const started = performance.now();
    libp2p.dial(webrtc.map((a) => multiaddr(a)), { signal: AbortSignal.timeout(15_000) })
      .then(() => {
        dialTimes.push(performance.now() - started);
        if (dialTimes.length > 1000) dialTimes.shift();
      })
      .catch(() => {})
      .finally(() => dialing.delete(peerId));
  };
  pubsub.addEventListener("message", onMessage as EventListener);
  // Post as soon as a peer (the relay) is known to take the topic: a post
  // before that reaches nobody.
  const onSubscriptions = (
    event: CustomEvent<{ subscriptions: { topic: string; subscribe: boolean }[] }>,
  ) => {
    if (event.detail.subscriptions.some((s) => s.topic === PEER_TOPIC && s.subscribe)) post();
  };
  pubsub.addEventListener("subscription-change", onSubscriptions as EventListener);
  const post = () => {
    const addrs = libp2p.getMultiaddrs().map((a) => a.toString()).filter((a) =>
      a.includes("/webrtc")
    );
    if (addrs.length === 0 || performance.now() - lastPost < 100) return;
    lastPost = performance.now();
    pubsub.publish(
      PEER_TOPIC,
      encoder.encode(JSON.stringify({ peerId: self, addrs, since: startedAt })),
    )
      .catch(() => {});
  };
  const timer = setInterval(post, 3_000);
  libp2p.addEventListener("self:peer:update", post);
  post();
  return () => {
    clearInterval(timer);
    libp2p.removeEventListener("self:peer:update", post);
    pubsub.removeEventListener("message", onMessage as EventListener);
    pubsub.removeEventListener("subscription-change", onSubscriptions as EventListener);
  };
}
