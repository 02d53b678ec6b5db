/**
 * The Deno host of the executor: each job runs in a Worker of a warm pool
 * (one per slot), with the wall-clock limit enforced inside the Worker
 * (see _worker.ts). A Worker that does not answer in time anyway is dropped
 * and replaced, so a job never holds a slot past its limit.
 *
 * @module
 */

import type { EngineName, JobResult, JobSpec } from "../../shared/executor/mod.ts";
import { PhaseError } from "../../shared/errors.ts";
import type { WorkerReply, WorkerRequest } from "./_messages.ts";

/** Options of {@linkcode DenoHost.run}. */
export interface HostRunOptions {
  /** `jit` (default), `interp` or `auto`. */
  engine?: EngineName | "auto";
  /** Caches the compiled module under this key (e.g. its SHA-256). */
  moduleKey?: string;
  /** Streams stdout chunks as the guest writes them. */
  onStdout?: (chunk: Uint8Array) => void;
  /** Streams stderr chunks. */
  onStderr?: (chunk: Uint8Array) => void;
}

// Extra time a Worker gets past the job's limit before it is written off.
const GRACE_MS = 2_000;

interface Slot {
  worker: Worker;
  busy: boolean;
}

/** A pool of job Workers. */
export class DenoHost {
  readonly #slots: Slot[] = [];
  readonly #waiting: ((slot: Slot) => void)[] = [];
  #nextId = 1;
  #closed = false;

  /** Creates a pool of `size` Workers (started lazily). */
  constructor(readonly size = 1) {}

  #spawn(): Worker {
    return new Worker(new URL("./_worker.ts", import.meta.url), { type: "module" });
  }

  async #acquire(): Promise<Slot> {
    if (this.#closed) throw new PhaseError("host_closed", "the executor host is closed");
    const free = this.#slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return free;
    }
    if (this.#slots.length < this.size) {
      const slot = { worker: this.#spawn(), busy: true };
      this.#slots.push(slot);
      return slot;
    }
    return await new Promise<Slot>((resolve) => this.#waiting.push(resolve));
  }

  #release(slot: Slot): void {
    const next = this.#waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  /** Runs one job in a Worker; resolves with its result (never rejects for guest behaviour). */
  async run(module: Uint8Array, spec: JobSpec, options: HostRunOptions = {}): Promise<JobResult> {
    const slot = await this.#acquire();
    const id = this.#nextId++;
    const timeoutMs = spec.limits?.timeoutMs ?? 30_000;
    try {
      return await new Promise<JobResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          // The in-Worker limit failed to stop it: give up on this Worker.
          slot.worker.removeEventListener("message", onMessage);
          slot.worker.terminate();
          slot.worker = this.#spawn();
          resolve({
            status: "timeout",
            exitCode: -1,
            stdout: new Uint8Array(0),
            stderr: new Uint8Array(0),
            files: {},
            wallMs: timeoutMs,
            startedAt: Date.now() - timeoutMs,
            message: `wall-clock limit of ${timeoutMs} ms reached (worker replaced)`,
            engine: options.engine === "interp" ? "interp" : "jit",
          });
        }, timeoutMs + GRACE_MS);
        const onMessage = (event: MessageEvent<WorkerReply>) => {
          const reply = event.data;
          if (reply.id !== id) return;
          if (reply.kind === "stdout") return options.onStdout?.(reply.chunk);
          if (reply.kind === "stderr") return options.onStderr?.(reply.chunk);
          clearTimeout(timer);
          slot.worker.removeEventListener("message", onMessage);
          if (reply.kind === "result") resolve(reply.result);
          else if (reply.kind === "error") {
            reject(new PhaseError("host_failed", `executor worker failed: ${reply.message}`));
          }
        };
        slot.worker.addEventListener("message", onMessage);
        const request: WorkerRequest = {
          id,
          module,
          spec,
          engine: options.engine ?? "jit",
          moduleKey: options.moduleKey,
          stream: Boolean(options.onStdout || options.onStderr),
        };
        slot.worker.postMessage(request);
      });
    } finally {
      this.#release(slot);
    }
  }

  /** Terminates every Worker. */
  close(): void {
    this.#closed = true;
    for (const slot of this.#slots) slot.worker.terminate();
    this.#slots.length = 0;
  }
}
