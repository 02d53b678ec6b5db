/**
 * The executor side of the job protocol, runtime-agnostic: Deno nodes, the
 * web node and edge workers wrap it with their own {@linkcode ExecuteJob}.
 *
 * It listens for job announcements, offers when it has a free slot and can
 * finish before the job's deadline, opens a `/phase/job/1.0.0` stream to the
 * submitter, takes the module (from the stream, its cache, or the relay's
 * module store), runs the job and answers with the outputs and a signed
 * receipt.
 *
 * @module
 */

import type { Connection, Libp2p, PeerId } from "@libp2p/interface";
import { multiaddr } from "@multiformats/multiaddr";
import { PhaseError } from "../errors.ts";
import { type KeyPair, sha256Hex } from "../crypto/mod.ts";
import { type JobManifest, validateManifestAsync } from "../manifest/mod.ts";
import { receiptFor } from "./job_receipt.ts";
import {
  type Announcement,
  type Assign,
  type Blob,
  decodeAnnouncement,
  JOB_PROTOCOL,
  JobChannel,
} from "../protocol/mod.ts";
import { ModuleCache } from "./module_cache.ts";
import type { ExecuteJob, JobInputs, NodeEvent, RuntimeKind } from "./types.ts";

/** A pubsub message as gossipsub and floodsub deliver it. */
export interface PubSubMessage {
  topic: string;
  data: Uint8Array;
  /** The peer that signed it (every Phase node signs: StrictSign). */
  from?: PeerId;
}

/** A peer's change of subscriptions. */
export interface SubscriptionChange {
  peerId: PeerId;
  subscriptions: { topic: string; subscribe: boolean }[];
}

/**
 * What Phase uses of a pubsub service. Relays and Deno nodes run gossipsub,
 * tabs floodsub (a fraction of the page's size); gossipsub serves floodsub
 * peers, so both see every message on their topics.
 */
export interface PhasePubSub {
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  publish(topic: string, data?: Uint8Array): Promise<unknown>;
  getSubscribers(topic: string): PeerId[];
  addEventListener(type: "message", listener: (event: CustomEvent<PubSubMessage>) => void): void;
  addEventListener(
    type: "subscription-change",
    listener: (event: CustomEvent<SubscriptionChange>) => void,
  ): void;
  removeEventListener(type: "message", listener: (event: CustomEvent<PubSubMessage>) => void): void;
  removeEventListener(
    type: "subscription-change",
    listener: (event: CustomEvent<SubscriptionChange>) => void,
  ): void;
}

/** A libp2p node with a Phase pubsub service (gossipsub or floodsub) as `pubsub`. */
export type PhaseLibp2p = Libp2p<{ pubsub: PhasePubSub }>;

/** Limits an executor accepts; announcements above them get no offer. */
export interface AcceptedLimits {
  /** Largest memory limit, MiB. */
  memoryMb: number;
  /** Longest wall-clock limit, ms. */
  timeoutMs: number;
  /** Largest output cap, bytes. */
  maxOutputBytes: number;
  /** Largest module, bytes. */
  moduleBytes: number;
}

/** Default accepted limits. */
export const DEFAULT_ACCEPTED_LIMITS: AcceptedLimits = {
  memoryMb: 1024,
  timeoutMs: 10 * 60_000,
  maxOutputBytes: 64 * 1024 * 1024,
  moduleBytes: 64 * 1024 * 1024,
};

/** Options of {@linkcode startExecutorNode}. */
export interface ExecutorNodeOptions {
  /** This node's signing key: the same Ed25519 key as its libp2p identity. */
  keyPair: KeyPair;
  /** Runs one job on this runtime. */
  execute: ExecuteJob;
  /** Which runtime this is, for receipts and offers. */
  runtime: RuntimeKind;
  /** Engine name for offers (`v8`, `interp`). */
  engine: string;
  /** Topic job announcements arrive on. */
  topic: string;
  /** Jobs run at once. Default 1. */
  slots?: number;
  /** Limits accepted. */
  limits?: Partial<AcceptedLimits>;
  /** Module cache (shared across nodes if wanted). */
  cache?: ModuleCache;
  /** Fetches a module from elsewhere (e.g. the relay's store) when the submitter did not send it. */
  fetchModule?: (sha256: string, url?: string) => Promise<Uint8Array>;
  /** Receives one event per step, for logs and UIs. */
  onEvent?: (event: NodeEvent) => void;
  /** How long to wait for the submitter's answer to an offer. Default 10 s. */
  assignTimeoutMs?: number;
  /** Turns contribution off without stopping the node. */
  enabled?: boolean;
}

/** Counters an executor node keeps. */
export interface ExecutorStats {
  offered: number;
  assigned: number;
  declined: number;
  finished: number;
  failed: number;
  running: number;
  /** Slots held now: offers awaiting an answer plus running jobs. */
  reserved: number;
}

/** A running executor node. */
export interface ExecutorNode {
  /** Live counters. */
  readonly stats: ExecutorStats;
  /** Slots now. */
  slots: number;
  /** Whether the node offers to run jobs. */
  enabled: boolean;
  /** Stops listening; running jobs are cancelled. */
  stop(): Promise<void>;
}

const NO_SLOT = "no free slot";

// Margin kept between a job's timeout and its deadline for transfer and receipt.
const DEADLINE_MARGIN_MS = 500;

/** Starts answering job announcements on `libp2p`. */
export function startExecutorNode(libp2p: PhaseLibp2p, options: ExecutorNodeOptions): ExecutorNode {
  const limits = { ...DEFAULT_ACCEPTED_LIMITS, ...options.limits };
  const cache = options.cache ?? new ModuleCache();
  const emit = options.onEvent ?? (() => {});
  const pubsub = libp2p.services.pubsub;
  const seen = new Set<string>(); // jobId:round already handled
  const running = new Map<string, AbortController>();
  const stats: ExecutorStats = {
    offered: 0,
    assigned: 0,
    declined: 0,
    finished: 0,
    failed: 0,
    running: 0,
    reserved: 0,
  };
  let stopped = false;

  const node: ExecutorNode = {
    stats,
    slots: options.slots ?? 1,
    enabled: options.enabled ?? true,
    async stop() {
      stopped = true;
      pubsub.removeEventListener("message", onMessage);
      pubsub.unsubscribe(options.topic);
      for (const controller of running.values()) controller.abort(new Error("node stopping"));
      await Promise.resolve();
    },
  };

  const onMessage = (evt: CustomEvent<{ topic: string; data: Uint8Array }>) => {
    if (evt.detail.topic !== options.topic) return;
    let announcement: Announcement;
    try {
      announcement = decodeAnnouncement(evt.detail.data);
    } catch {
      return; // the relay's validator drops these; a direct peer might not
    }
    void consider(announcement).catch(() => {});
  };

  // Announcements skipped for lack of a free slot, newest last: when a slot
  // frees, the node offers for the oldest one still worth it instead of
  // waiting for the submitter to announce again.
  const backlog: { a: Announcement; manifest: JobManifest }[] = [];
  const BACKLOG_MAX = 256;

  async function consider(a: Announcement): Promise<void> {
    const key = `${(a.manifest as { id?: string }).id}:${a.round}`;
    if (stopped || !node.enabled || seen.has(key)) return;
    seen.add(key);
    if (seen.size > 10_000) seen.clear();
    if (a.exclude.includes(libp2p.peerId.toString())) return;
    let manifest: JobManifest;
    try {
      manifest = await validateManifestAsync(a.manifest);
    } catch (err) {
      emit({ event: "skipped", jobId: String(a.manifest.id), reason: errText(err) });
      return;
    }
    const why = refusal(manifest);
    if (why) {
      if (why === NO_SLOT && !backlog.some((b) => b.manifest.id === manifest.id)) {
        backlog.push({ a, manifest });
        if (backlog.length > BACKLOG_MAX) backlog.shift();
      }
      emit({ event: "skipped", jobId: manifest.id, reason: why });
      return;
    }
    await take(a, manifest);
  }

  async function take(a: Announcement, manifest: JobManifest): Promise<void> {
    stats.reserved++;
    try {
      await serve(a, manifest);
    } finally {
      stats.reserved--;
      drainBacklog();
    }
  }

  function drainBacklog(): void {
    while (!stopped && node.enabled && backlog.length > 0 && stats.reserved < node.slots) {
      const next = backlog.shift()!;
      if (refusal(next.manifest) === undefined) void take(next.a, next.manifest).catch(() => {});
    }
  }

  function refusal(m: JobManifest): string | undefined {
    if (stats.reserved >= node.slots) return NO_SLOT;
    if (m.limits.memoryMb > limits.memoryMb) return `memoryMb above ${limits.memoryMb}`;
    if (m.limits.timeoutMs > limits.timeoutMs) return `timeoutMs above ${limits.timeoutMs}`;
    if (m.limits.maxOutputBytes > limits.maxOutputBytes) {
      return `maxOutputBytes above ${limits.maxOutputBytes}`;
    }
    if (m.module.size > limits.moduleBytes) return `module above ${limits.moduleBytes} bytes`;
    if (Date.now() + m.limits.timeoutMs + DEADLINE_MARGIN_MS > m.deadline) {
      return "cannot finish before the deadline";
    }
    return undefined;
  }

  // One connection per submitter: libp2p's dialer never reuses a *limited*
  // (relayed) connection and refuses a duplicate one, so reuse it here and
  // share a single in-flight dial between parallel offers.
  const dialing = new Map<string, Promise<Connection>>();

  async function connectionTo(a: Announcement): Promise<Connection> {
    const open = libp2p.getConnections().filter((c) =>
      c.remotePeer.toString() === a.submitter && c.status === "open"
    );
    // A direct connection (e.g. WebRTC between tabs) beats a relayed one.
    const best = open.find((c) => c.limits == null) ?? open[0];
    if (best) return best;
    let pending = dialing.get(a.submitter);
    if (!pending) {
      pending = libp2p.dial(a.addrs.map((s) => multiaddr(s)), {
        signal: AbortSignal.timeout(10_000),
      });
      dialing.set(a.submitter, pending);
      pending.then(() => dialing.delete(a.submitter), () => dialing.delete(a.submitter));
    }
    const connection = await pending;
    if (connection.remotePeer.toString() !== a.submitter) {
      throw new PhaseError("submitter_mismatch", "the announced address belongs to another peer");
    }
    return connection;
  }

  async function openChannel(a: Announcement): Promise<JobChannel> {
    const connection = await connectionTo(a);
    const stream = await connection.newStream(JOB_PROTOCOL, {
      runOnLimitedConnection: true,
      signal: AbortSignal.timeout(10_000),
    });
    return new JobChannel(stream, { maxAttachmentBytes: limits.moduleBytes + 512 * 1024 * 1024 });
  }

  async function serve(a: Announcement, manifest: JobManifest): Promise<void> {
    const jobId = manifest.id;
    let channel: JobChannel;
    try {
      channel = await openChannel(a);
    } catch (err) {
      emit({ event: "failed", jobId, reason: `cannot reach submitter: ${errText(err)}` });
      return;
    }
    const hasModule = cache.has(manifest.module.sha256);
    stats.offered++;
    emit({ event: "offer", jobId, round: a.round });
    try {
      await channel.send({
        v: 1,
        type: "offer",
        jobId,
        round: a.round,
        peerId: libp2p.peerId.toString(),
        runtime: options.runtime,
        engine: options.engine,
        hasModule,
        freeSlots: Math.max(0, node.slots - stats.reserved),
      });
      const { message, blobs } = await channel.expect(["assign", "decline"], {
        timeoutMs: options.assignTimeoutMs ?? 10_000,
      });
      if (message.type === "decline") {
        stats.declined++;
        emit({ event: "declined", jobId, reason: message.reason });
        await channel.close();
        return;
      }
      stats.assigned++;
      emit({ event: "assigned", jobId, attempt: message.attempt });
      await runAssigned(channel, manifest, message, blobs);
    } catch (err) {
      stats.failed++;
      emit({ event: "failed", jobId, reason: errText(err) });
      try {
        await channel.send({
          v: 1,
          type: "error",
          jobId,
          code: err instanceof PhaseError ? err.code : "executor_failed",
          message: errText(err).slice(0, 4000),
        });
      } catch {
        // The stream is already gone.
      }
      channel.abort(errText(err));
    }
  }

  // The channel has already checked every attachment against the SHA-256 it
  // was announced with, so comparing those announced hashes with the manifest
  // is enough: no need to hash the bytes again.
  function attached(assign: Assign, blobs: Map<string, Uint8Array>, name: string) {
    const meta = assign.attachments.find((a) => a.name === name);
    const bytes = blobs.get(name);
    return meta && bytes ? { bytes, sha256: meta.sha256 } : undefined;
  }

  async function moduleFor(manifest: JobManifest, assign: Assign, blobs: Map<string, Uint8Array>) {
    const { sha256, url, size } = manifest.module;
    const sent = attached(assign, blobs, "module");
    let bytes: Uint8Array | undefined;
    if (sent) {
      if (sent.sha256 !== sha256) {
        throw new PhaseError("module_hash_mismatch", "the module sent is not the manifest's");
      }
      bytes = sent.bytes;
    } else {
      bytes = cache.get(sha256); // verified when it was stored
      if (!bytes && options.fetchModule) {
        bytes = await options.fetchModule(sha256, url);
        if (sha256Hex(bytes) !== sha256) {
          throw new PhaseError("module_hash_mismatch", "the fetched module is not the manifest's");
        }
      }
    }
    if (!bytes) {
      throw new PhaseError("module_unavailable", "the module was not sent and not cached");
    }
    if (bytes.length !== size) {
      throw new PhaseError("module_hash_mismatch", "module size does not match the manifest");
    }
    cache.set(sha256, bytes);
    return bytes;
  }

  function inputsFor(
    manifest: JobManifest,
    assign: Assign,
    blobs: Map<string, Uint8Array>,
  ): JobInputs {
    let stdin: Uint8Array = new Uint8Array(0);
    if (manifest.stdin) {
      const sent = attached(assign, blobs, "stdin");
      if (!sent || sent.sha256 !== manifest.stdin.sha256) {
        throw new PhaseError("input_mismatch", "stdin missing or not matching the manifest");
      }
      stdin = sent.bytes;
    }
    const files = new Map<string, Uint8Array>();
    for (const [path, ref] of Object.entries(manifest.files)) {
      const sent = attached(assign, blobs, `file:${path}`);
      if (!sent || sent.sha256 !== ref.sha256 || sent.bytes.length !== ref.size) {
        throw new PhaseError("input_mismatch", `input file ${path} missing or not matching`);
      }
      files.set(path, sent.bytes);
    }
    return { stdin, files };
  }

  async function runAssigned(
    channel: JobChannel,
    manifest: JobManifest,
    assign: Assign,
    blobs: Map<string, Uint8Array>,
  ): Promise<void> {
    const jobId = manifest.id;
    const module = await moduleFor(manifest, assign, blobs);
    const inputs = inputsFor(manifest, assign, blobs);
    const controller = new AbortController();
    running.set(jobId, controller);
    stats.running++;
    // A cancel message or a vanished submitter stops the guest.
    channel.receive().then(
      (r) => r.message.type === "cancel" && controller.abort(new Error(r.message.reason)),
      () => controller.abort(new Error("submitter went away")),
    );
    try {
      const result = await options.execute(module, manifest, inputs, {
        signal: controller.signal,
      });
      if (controller.signal.aborted) {
        emit({ event: "cancelled", jobId });
        return;
      }
      const receipt = receiptFor(
        manifest,
        result,
        { kind: options.runtime, engine: result.engine },
        options.keyPair,
      );
      const attachments: Blob[] = [
        { name: "stdout", bytes: result.stdout },
        { name: "stderr", bytes: result.stderr },
        ...Object.entries(result.files).map(([path, bytes]) => ({ name: `file:${path}`, bytes })),
      ];
      await channel.send({
        v: 1,
        type: "result",
        jobId,
        status: result.status,
        exitCode: result.exitCode,
        ...(result.message ? { message: result.message.slice(0, 4000) } : {}),
        receipt: receipt as unknown as Record<string, unknown>,
        attachments: [],
      }, attachments);
      await channel.close();
      stats.finished++;
      emit({ event: "finished", jobId, status: result.status, wallMs: result.wallMs, receipt });
    } finally {
      stats.running--;
      running.delete(jobId);
    }
  }

  pubsub.subscribe(options.topic);
  pubsub.addEventListener("message", onMessage);
  return node;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
