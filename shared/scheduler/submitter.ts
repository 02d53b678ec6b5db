/**
 * The submitter side of the job protocol: announce a job, take offers,
 * assign it to `redundancy` distinct executors, verify every receipt
 * (signature, job, module, inputs, and the output hash recomputed from the
 * bytes received), and finish when `redundancy` executors agree on the same
 * output. Failed, vanished, slow or lying executors are replaced by new ones
 * until the job's deadline.
 *
 * Edge executors (Cloudflare Workers, Deno Deploy; see edges.ts) are one more
 * kind of executor: when `edges` lists some, the job goes to them first over
 * HTTP (`POST /v1/execute`), and libp2p announcements fill whatever quorum is
 * left. Their receipts are verified exactly like a node's. Without a libp2p
 * node the submitter uses edge executors only.
 *
 * @module
 */

import type { Connection, Stream } from "@libp2p/interface";
import type { PhaseLibp2p } from "../node/executor_node.ts";
import { PhaseError } from "../errors.ts";
import { sha256Hex } from "../crypto/mod.ts";
import type { JobManifest } from "../manifest/mod.ts";
import { type JobOutput, type Receipt, verifyReceiptAsync } from "../receipt/mod.ts";
import {
  type Announcement,
  type Blob,
  JOB_PROTOCOL,
  JobChannel,
  type Offer,
  type Result,
} from "../protocol/mod.ts";
import { type AttemptReport, JobFailedError } from "./errors.ts";
import { edgeAccepts, type EdgeSource, type EdgeTarget } from "./edges.ts";
import { executeOnEdge } from "../edge/mod.ts";

/** A job ready to run: signed manifest plus the bytes it names. */
export interface JobRequest {
  /** The signed manifest. */
  manifest: JobManifest;
  /** Module bytes (must match `manifest.module`). */
  module: Uint8Array;
  /** Stdin bytes (must match `manifest.stdin`). */
  stdin?: Uint8Array;
  /** Input files by path (must match `manifest.files`). */
  files?: Map<string, Uint8Array>;
}

/** A verified job result. */
export interface JobResult {
  /** The job's manifest. */
  manifest: JobManifest;
  /** The agreed output. */
  output: JobOutput;
  /** Trap or limit detail reported with the output, if any. */
  message?: string;
  /** Verified receipts of the executors that agreed. */
  receipts: Receipt[];
  /** Peer ids of the executors that agreed. */
  agreed: string[];
  /** Peer ids of executors whose verified output differed from the quorum. */
  disagreed: string[];
  /** Every attempt, in order. */
  attempts: AttemptReport[];
}

/** Progress events of one job. */
export interface Progress {
  /** What happened. */
  event: "announced" | "offer" | "assigned" | "result" | "failed" | "done";
  /** Executor concerned, if any. */
  executor?: string;
  /** Detail. */
  detail?: string;
}

/** Options of {@linkcode createSubmitter}. */
export interface SubmitterOptions {
  /** Topic announcements go to. */
  topic: string;
  /** How long to wait for the topic to have peers before announcing. Default 5 s. */
  topicWaitMs?: number;
  /** Re-announce when executors are missing, every this many ms. Default 1,000. */
  reannounceMs?: number;
  /** Edge executors reached over HTTP, tried before libp2p offers. */
  edges?: EdgeSource;
}

/** Options of {@linkcode Submitter.run}. */
export interface RunOptions {
  /** Cancels the job. */
  signal?: AbortSignal;
  /** Called on each step. */
  onProgress?: (p: Progress) => void;
}

/** Runs jobs on the network from one libp2p node. */
export interface Submitter {
  /** Runs one job to a verified result, or throws {@linkcode JobFailedError}. */
  run(job: JobRequest, options?: RunOptions): Promise<JobResult>;
  /** Stops handling job streams. */
  stop(): Promise<void>;
}

type Success = { executor: string; output: JobOutput; receipt: Receipt; message?: string };

// Extra time allowed beyond the job's own timeout for transfer and receipt.
const RESULT_MARGIN_MS = 5_000;

/**
 * Creates a submitter on `libp2p` (registers the `/phase/job/1.0.0` handler);
 * with `libp2p` undefined it uses `options.edges` only.
 */
export async function createSubmitter(
  libp2p: PhaseLibp2p | undefined,
  options: SubmitterOptions,
): Promise<Submitter> {
  const jobs = new Map<string, (channel: JobChannel, offer: Offer, conn: Connection) => void>();

  const handler = async (stream: Stream, connection: Connection) => {
    const channel = new JobChannel(stream);
    try {
      const { message } = await channel.expect(["offer"], { timeoutMs: 10_000 });
      if (message.peerId !== connection.remotePeer.toString()) {
        throw new PhaseError("offer_peer_mismatch", "offer names another peer than its sender");
      }
      const take = jobs.get(message.jobId);
      if (!take) {
        await channel.send({ v: 1, type: "decline", jobId: message.jobId, reason: "unknown job" });
        await channel.close();
        return;
      }
      take(channel, message, connection);
    } catch (err) {
      channel.abort(err instanceof Error ? err.message : String(err));
    }
  };
  await libp2p?.handle(JOB_PROTOCOL, handler, {
    runOnLimitedConnection: true,
    maxInboundStreams: 1024,
  });

  async function waitForTopicPeers(libp2p: PhaseLibp2p, signal?: AbortSignal): Promise<void> {
    const until = Date.now() + (options.topicWaitMs ?? 5_000);
    while (libp2p.services.pubsub.getSubscribers(options.topic).length === 0) {
      if (Date.now() > until || signal?.aborted) {
        throw new PhaseError(
          "no_topic_peers",
          "no peer is subscribed to the job topic: is the node connected to a relay?",
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  function reachableAddrs(libp2p: PhaseLibp2p): string[] {
    const addrs = libp2p.getMultiaddrs().map((a) => a.toString());
    const circuit = addrs.filter((a) => a.includes("/p2p-circuit"));
    return (circuit.length ? circuit : addrs).slice(0, 16);
  }

  async function run(job: JobRequest, runOptions: RunOptions = {}): Promise<JobResult> {
    const { manifest } = job;
    const progress = runOptions.onProgress ?? (() => {});
    checkRequest(job);
    const allEdges: EdgeTarget[] = options.edges
      ? await options.edges(runOptions.signal).catch(() => [])
      : [];
    const edges = allEdges.filter((e) => edgeAccepts(e, manifest));
    const p2p = libp2p;
    if (!p2p && allEdges.length > 0 && edges.length === 0) {
      throw new PhaseError(
        "no_executors",
        "no edge executor accepts this job's limits (see their /v1/info)",
      );
    }
    const addrs = p2p ? reachableAddrs(p2p) : [];
    if (p2p && addrs.length === 0 && edges.length === 0) {
      throw new PhaseError(
        "submitter_unreachable",
        "this node has no address executors can reach (no relay reservation yet)",
      );
    }
    if (!p2p && edges.length === 0) {
      throw new PhaseError("no_executors", "no relay and no edge executor to run the job on");
    }
    // With edge executors to start on, do not hold the job back for gossip peers.
    if (p2p && edges.length === 0) await waitForTopicPeers(p2p, runOptions.signal);
    const useP2p = p2p !== undefined && addrs.length > 0;

    const attempts: AttemptReport[] = [];
    const tried = new Set<string>();
    const successes: Success[] = [];
    const active = new Map<string, JobChannel>();
    const edgeActive = new Map<string, AbortController>();
    const inflight = () => active.size + edgeActive.size;
    let round = 0;
    let finished = false;

    return await new Promise<JobResult>((resolve, reject) => {
      const remaining = manifest.deadline - Date.now();
      const deadlineTimer = setTimeout(() => {
        fail("job_deadline", `no verified result before the job's deadline`);
      }, Math.max(0, remaining));
      const reannounce = setInterval(() => {
        if (needed() > inflight()) replace();
      }, options.reannounceMs ?? 1_000);
      const onAbort = () => fail("job_cancelled", "the job was cancelled");
      runOptions.signal?.addEventListener("abort", onAbort, { once: true });

      function cleanup() {
        finished = true;
        clearTimeout(deadlineTimer);
        clearInterval(reannounce);
        runOptions.signal?.removeEventListener("abort", onAbort);
        jobs.delete(manifest.id);
        for (const [executor, channel] of active) {
          attempts.push({ executor, outcome: "pending", reason: "not needed any more" });
          channel.send({ v: 1, type: "cancel", jobId: manifest.id, reason: "job finished" })
            .catch(() => {})
            .finally(() => channel.abort("job finished"));
        }
        active.clear();
        for (const [executor, controller] of edgeActive) {
          attempts.push({ executor, outcome: "pending", reason: "not needed any more" });
          controller.abort(new Error("job finished"));
        }
        edgeActive.clear();
      }

      function fail(code: string, message: string) {
        if (finished) return;
        cleanup();
        progress({ event: "failed", detail: message });
        reject(new JobFailedError(code, message, attempts));
      }

      // How many more agreeing results are needed.
      function needed(): number {
        const counts = new Map<string, number>();
        for (const s of successes) {
          const h = s.receipt.outputSha256;
          counts.set(h, (counts.get(h) ?? 0) + 1);
        }
        const best = Math.max(0, ...counts.values());
        return manifest.redundancy - best;
      }

      function checkQuorum() {
        const groups = new Map<string, Success[]>();
        for (const s of successes) {
          const list = groups.get(s.receipt.outputSha256) ?? [];
          list.push(s);
          groups.set(s.receipt.outputSha256, list);
        }
        for (const [hash, group] of groups) {
          if (group.length < manifest.redundancy) continue;
          const agreed = group.map((s) => s.executor);
          const disagreed = successes.filter((s) => s.receipt.outputSha256 !== hash).map((s) =>
            s.executor
          );
          for (const a of attempts) {
            if (a.outputSha256 === hash) a.outcome = "agreed";
            else if (a.outputSha256) a.outcome = "disagreed";
          }
          cleanup();
          progress({ event: "done", detail: `${agreed.length} agreeing executor(s)` });
          resolve({
            manifest,
            output: group[0].output,
            message: group[0].message,
            receipts: group.map((s) => s.receipt),
            agreed,
            disagreed,
            attempts,
          });
          return;
        }
      }

      // How long an executor gets for its result: the job's timeout plus a
      // margin, within the job's deadline.
      function resultWaitMs(): number {
        return Math.min(
          manifest.limits.timeoutMs + RESULT_MARGIN_MS,
          Math.max(0, manifest.deadline - Date.now()),
        );
      }

      // A verified result (its executor already out of the in-flight maps):
      // recorded, then counted toward the quorum unless the job is over.
      function succeeded(attempt: AttemptReport, success: Success, started: number) {
        attempt.outputSha256 = success.receipt.outputSha256;
        attempt.outcome = "pending";
        attempt.ms = Date.now() - started;
        attempts.push(attempt);
        if (finished) return;
        successes.push(success);
        progress({ event: "result", executor: attempt.executor, detail: success.output.status });
        checkQuorum();
        if (!finished && needed() > inflight()) replace();
      }

      // A failed attempt (its executor already out of the in-flight maps):
      // recorded and replaced unless the job is over.
      function failed(attempt: AttemptReport, err: unknown, started: number) {
        attempt.reason = err instanceof PhaseError ? `${err.code}: ${err.message}` : errText(err);
        attempt.ms = Date.now() - started;
        if (finished) return;
        attempts.push(attempt);
        progress({ event: "failed", executor: attempt.executor, detail: attempt.reason });
        replace();
      }

      // Starts edge attempts while executors are missing, then announces on
      // libp2p for the rest; without libp2p, fails once nothing is left.
      function replace() {
        if (finished) return;
        for (const edge of edges) {
          if (inflight() >= needed()) break;
          if (!tried.has(edge.executorPeerId)) void runEdge(edge);
        }
        if (needed() <= inflight()) return;
        if (useP2p) void announce();
        else if (inflight() === 0) {
          fail("no_executors", "every edge executor was tried and none is left");
        }
      }

      async function runEdge(edge: EdgeTarget) {
        const executor = edge.executorPeerId;
        tried.add(executor);
        const controller = new AbortController();
        edgeActive.set(executor, controller);
        const attempt: AttemptReport = { executor, outcome: "failed" };
        const started = Date.now();
        progress({ event: "assigned", executor, detail: edge.url });
        const waitMs = resultWaitMs();
        const timer = setTimeout(
          () => controller.abort(new Error(`no result within ${waitMs} ms`)),
          waitMs,
        );
        try {
          const r = await executeOnEdge(edge.url, {
            manifest,
            module: job.module,
            stdin: job.stdin,
            files: job.files,
          }, { signal: controller.signal });
          const blobs = new Map<string, Uint8Array>([["stdout", r.stdout], ["stderr", r.stderr]]);
          for (const [path, bytes] of Object.entries(r.files)) blobs.set(`file:${path}`, bytes);
          const success = await verifyResult(
            manifest,
            {
              v: 1,
              type: "result",
              jobId: manifest.id,
              status: r.status as Result["status"],
              exitCode: r.exitCode,
              ...(r.message ? { message: r.message } : {}),
              receipt: r.receipt,
              attachments: [],
            },
            blobs,
            executor,
          );
          edgeActive.delete(executor);
          succeeded(attempt, success, started);
        } catch (err) {
          edgeActive.delete(executor);
          failed(attempt, err, started);
        } finally {
          clearTimeout(timer);
        }
      }

      async function announce() {
        if (finished || !p2p) return;
        round++;
        const announcement: Announcement = {
          v: 1,
          type: "announce",
          manifest: manifest as unknown as Record<string, unknown>,
          submitter: p2p.peerId.toString(),
          addrs,
          round,
          exclude: [...tried].slice(-256),
        };
        try {
          await p2p.services.pubsub.publish(
            options.topic,
            new TextEncoder().encode(JSON.stringify(announcement)),
          );
          progress({ event: "announced", detail: `round ${round}` });
        } catch (err) {
          progress({ event: "failed", detail: `announce failed: ${errText(err)}` });
        }
      }

      async function onOffer(channel: JobChannel, offer: Offer, connection: Connection) {
        const executor = connection.remotePeer.toString();
        progress({ event: "offer", executor });
        if (finished || tried.has(executor) || inflight() >= needed()) {
          await channel.send({
            v: 1,
            type: "decline",
            jobId: manifest.id,
            reason: tried.has(executor) ? "already tried" : "enough executors",
          }).catch(() => {});
          await channel.close();
          return;
        }
        tried.add(executor);
        active.set(executor, channel);
        const attempt: AttemptReport = { executor, outcome: "failed" };
        const started = Date.now();
        try {
          const blobs: Blob[] = [];
          if (!offer.hasModule) {
            blobs.push({ name: "module", bytes: job.module, sha256: manifest.module.sha256 });
          }
          if (job.stdin && manifest.stdin) {
            blobs.push({ name: "stdin", bytes: job.stdin, sha256: manifest.stdin.sha256 });
          }
          for (const [path, bytes] of job.files ?? []) {
            blobs.push({ name: `file:${path}`, bytes, sha256: manifest.files[path]?.sha256 });
          }
          await channel.send(
            { v: 1, type: "assign", jobId: manifest.id, attempt: tried.size, attachments: [] },
            blobs,
          );
          progress({ event: "assigned", executor });
          const { message, blobs: out } = await channel.expect(["result"], {
            timeoutMs: resultWaitMs(),
          });
          const success = await verifyResult(manifest, message, out, executor);
          active.delete(executor);
          await channel.close();
          succeeded(attempt, success, started);
        } catch (err) {
          active.delete(executor);
          channel.abort(errText(err));
          failed(attempt, err, started);
        }
      }

      jobs.set(manifest.id, (channel, offer, connection) => {
        void onOffer(channel, offer, connection);
      });
      replace();
    });
  }

  return {
    run,
    async stop() {
      await libp2p?.unhandle(JOB_PROTOCOL);
    },
  };
}

// Module hashes by buffer, so resubmitting the same bytes does not hash them again.
const moduleHashes = new WeakMap<Uint8Array, string>();

function moduleHash(bytes: Uint8Array): string {
  let hash = moduleHashes.get(bytes);
  if (!hash) {
    hash = sha256Hex(bytes);
    moduleHashes.set(bytes, hash);
  }
  return hash;
}

function checkRequest(job: JobRequest): void {
  const m = job.manifest;
  if (job.module.length !== m.module.size || moduleHash(job.module) !== m.module.sha256) {
    throw new PhaseError("module_hash_mismatch", "module bytes do not match the manifest");
  }
  if (m.stdin && (!job.stdin || sha256Hex(job.stdin) !== m.stdin.sha256)) {
    throw new PhaseError("input_mismatch", "stdin does not match the manifest");
  }
  for (const [path, ref] of Object.entries(m.files)) {
    const bytes = job.files?.get(path);
    if (!bytes || sha256Hex(bytes) !== ref.sha256) {
      throw new PhaseError("input_mismatch", `input file ${path} does not match the manifest`);
    }
  }
  if (m.deadline <= Date.now()) throw new PhaseError("job_deadline", "the deadline has passed");
}

/** Checks a result against the job: outputs, receipt signature, job, executor identity. */
async function verifyResult(
  manifest: JobManifest,
  message: Result,
  blobs: Map<string, Uint8Array>,
  executor: string,
): Promise<Success> {
  const files: Record<string, Uint8Array> = {};
  for (const [name, bytes] of blobs) {
    if (name.startsWith("file:")) files[name.slice(5)] = bytes;
  }
  for (const path of Object.keys(files)) {
    if (!manifest.outputs.includes(path)) {
      throw new PhaseError("result_unexpected_output", `output ${path} was not asked for`);
    }
  }
  const output: JobOutput = {
    status: message.status,
    exitCode: message.exitCode,
    stdout: blobs.get("stdout") ?? new Uint8Array(0),
    stderr: blobs.get("stderr") ?? new Uint8Array(0),
    files,
  };
  const receipt = message.receipt as unknown as Receipt;
  await verifyReceiptAsync(receipt, { manifest, output });
  if (receipt.executorPeerId !== executor) {
    throw new PhaseError(
      "receipt_executor_mismatch",
      "receipt was signed by another node than the one that sent it",
    );
  }
  return { executor, output, receipt, message: message.message };
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
