// An in-process Phase network for tests and benchmarks: a real libp2p relay
// (WebSockets, circuit-relay-v2, gossipsub) plus executor nodes that run
// real WebAssembly through the shared executor, all in this process.

import { createLibp2p } from "libp2p";
import { webSockets } from "@libp2p/websockets";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { identify } from "@libp2p/identify";
import { circuitRelayServer } from "@libp2p/circuit-relay-v2";
import { gossipsub } from "@libp2p/gossipsub";
import { startClientNode } from "../../cli/_p2p.ts";
import { engineLabel } from "../../cli/_execute.ts";
import { generateKeyPair } from "../../shared/crypto/mod.ts";
import { runJob } from "../../shared/executor/mod.ts";
import {
  type ExecuteJob,
  type ExecutorNode,
  jobSpecFor,
  type PhaseLibp2p,
  startExecutorNode,
} from "../../shared/node/mod.ts";
import { GOSSIPSUB_OPTIONS, JOB_TOPIC } from "../../shared/protocol/mod.ts";

/** Runs jobs in this thread with the shared executor (no Worker). */
export const execute: ExecuteJob = async (module, manifest, inputs) => {
  const r = await runJob(module, jobSpecFor(manifest, inputs), {
    moduleKey: manifest.module.sha256,
  });
  return { ...r, engine: engineLabel(r.engine) };
};

/** Starts an in-process relay subscribed to the job topic. */
export async function startRelay() {
  const relay = await createLibp2p({
    addresses: { listen: ["/ip4/127.0.0.1/tcp/0/ws"] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      relay: circuitRelayServer({
        reservations: { maxReservations: 100, defaultDataLimit: 1n << 30n },
      }),
      pubsub: gossipsub(GOSSIPSUB_OPTIONS),
    },
  });
  relay.services.pubsub.subscribe(JOB_TOPIC);
  return relay;
}

/** A running in-process network. */
export interface Net {
  relay: Awaited<ReturnType<typeof startRelay>>;
  nodes: PhaseLibp2p[];
  submitterNode: PhaseLibp2p;
  /** `peerId:jobId` for every job an executor finished. */
  ran: string[];
  executorNodes: ExecutorNode[];
  stop(): Promise<void>;
}

/** Starts a relay, one executor node per `executors` entry, and a submitter node. */
export async function network(
  executors: ExecuteJob[],
  options: { slots?: number } = {},
): Promise<Net> {
  const relay = await startRelay();
  const relays = relay.getMultiaddrs().map(String);
  const nodes: PhaseLibp2p[] = [];
  const ran: string[] = [];
  const executorNodes: ExecutorNode[] = [];
  for (const exec of executors) {
    const keyPair = generateKeyPair();
    const node = await startClientNode(keyPair, { relays, reserve: false });
    nodes.push(node);
    executorNodes.push(startExecutorNode(node, {
      keyPair,
      execute: exec,
      runtime: "deno",
      engine: "v8",
      topic: JOB_TOPIC,
      slots: options.slots ?? 2,
      onEvent: (e) => {
        if (e.event === "finished") ran.push(`${node.peerId}:${e.jobId}`);
      },
    }));
  }
  const submitterNode = await startClientNode(generateKeyPair(), { relays, reserve: true });
  // Let every executor's subscription reach the relay before the first announcement.
  const until = Date.now() + 5000;
  while (relay.services.pubsub.getSubscribers(JOB_TOPIC).length < executors.length) {
    if (Date.now() > until) throw new Error("executors did not subscribe");
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    relay,
    nodes,
    submitterNode,
    ran,
    executorNodes,
    async stop() {
      await Promise.all([...nodes, submitterNode].map((n) => n.stop()));
      await relay.stop();
    },
  };
}
