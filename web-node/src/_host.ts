// The browser host of the executor: a pool of Web Workers, one job each at a
// time. A job past its wall-clock limit has its Worker terminated; Chromium
// lets a terminated Worker's thread spin on for about 2 s, so the slot stays
// taken for that tail and the tab never runs more guests at once than slots.

import type { JobResult, JobSpec } from "../../shared/executor/mod.ts";
import { PhaseError } from "../../shared/errors.ts";
import type { JobReply, JobRequest } from "./_messages.ts";

/** How long a terminated Worker keeps its slot (Chromium's terminate tail). */
export const TERMINATE_TAIL_MS = 2_000;

// The result of a job the host had to stop: no output, a status and why.
function ended(status: JobResult["status"], startedAt: number, message: string): JobResult {
  const empty = new Uint8Array(0);
  return {
    status,
    exitCode: -1,
    stdout: empty,
    stderr: empty,
    files: {},
    wallMs: Date.now() - startedAt,
    startedAt,
    engine: "jit",
    message,
  };
}

interface Slot {
  worker: Worker | undefined;
  busy: boolean;
}

/** Options of {@linkcode BrowserHost}. */
export interface BrowserHostOptions {
  /** URL of the job Worker script. */
  workerUrl: string | URL;
  /** Jobs run at once. */
  slots: number;
}

/** A pool of job Workers in the page. */
export class BrowserHost {
  readonly #slots: Slot[] = [];
  readonly #waiting: ((slot: Slot) => void)[] = [];
  readonly #workerUrl: string | URL;
  #size: number;
  #nextId = 1;
  #closed = false;

  /** Creates the pool; Workers start on first use. */
  constructor(options: BrowserHostOptions) {
    this.#workerUrl = options.workerUrl;
    this.#size = options.slots;
  }

  /** Number of slots. */
  get size(): number {
    return this.#size;
  }

  /** Changes the number of slots (running jobs are not interrupted). */
  set size(value: number) {
    this.#size = Math.max(1, value);
    while (this.#waiting.length > 0 && this.#slots.length < this.#size) {
      const slot: Slot = { worker: undefined, busy: true };
      this.#slots.push(slot);
      this.#waiting.shift()!(slot);
    }
  }

  /** Jobs running now (including terminated Workers still in their tail). */
  get busy(): number {
    return this.#slots.filter((s) => s.busy).length;
  }

  #acquire(): Promise<Slot> {
    if (this.#closed) throw new PhaseError("host_closed", "the executor host is closed");
    const free = this.#slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    if (this.#slots.length < this.#size) {
      const slot: Slot = { worker: undefined, busy: true };
      this.#slots.push(slot);
      return Promise.resolve(slot);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(slot: Slot): void {
    if (this.#slots.length > this.#size) {
      // The pool shrank: retire this slot.
      slot.worker?.terminate();
      this.#slots.splice(this.#slots.indexOf(slot), 1);
      return;
    }
    const next = this.#waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  /** Runs one job in a Worker; resolves with its result (never rejects for guest behaviour). */
  async run(
    module: Uint8Array,
    spec: JobSpec,
    options: { moduleKey?: string; signal?: AbortSignal } = {},
  ) {
    const slot = await this.#acquire();
    const id = this.#nextId++;
    const timeoutMs = spec.limits?.timeoutMs ?? 30_000;
    slot.worker ??= new Worker(this.#workerUrl, { type: "module", name: "phase-job" });
    const worker = slot.worker;
    const startedAt = Date.now();
    let tail = 0;
    try {
      return await new Promise<JobResult>((resolve, reject) => {
        // Ends the job without its Worker's answer: the Worker is terminated
        // (a new one serves the next job); a live one burns on for `tailMs`.
        const halt = (tailMs: number) => {
          clearTimeout(timer);
          options.signal?.removeEventListener("abort", onAbort);
          worker.removeEventListener("message", onMessage);
          worker.terminate();
          slot.worker = undefined;
          tail = tailMs;
        };
        const stop = (status: JobResult["status"], message: string, tailMs: number) => {
          halt(tailMs);
          resolve(ended(status, startedAt, message));
        };
        const timer = setTimeout(
          () => stop("timeout", `wall-clock limit of ${timeoutMs} ms reached`, TERMINATE_TAIL_MS),
          timeoutMs,
        );
        // The job was cancelled (or its submitter went away): nobody wants the result.
        const onAbort = () => stop("timeout", "cancelled", TERMINATE_TAIL_MS);
        let started = false;
        const onMessage = (event: MessageEvent<JobReply>) => {
          const reply = event.data;
          if (reply.id !== id) return;
          if (reply.kind === "started") {
            started = true;
            return;
          }
          clearTimeout(timer);
          options.signal?.removeEventListener("abort", onAbort);
          worker.removeEventListener("message", onMessage);
          if (reply.kind === "result") resolve(reply.result);
          else reject(new PhaseError("host_failed", `job worker failed: ${reply.message}`));
        };
        worker.addEventListener("message", onMessage);
        worker.onerror = (event) => {
          // A Worker that dies is replaced. While running the guest that is
          // the guest's doing (in practice memory); before, the Worker never
          // loaded: a host failure, no status for the guest.
          event.preventDefault();
          if (started) return stop("memory_limit", `job worker died: ${event.message}`, 0);
          halt(0);
          reject(new PhaseError("host_failed", `job worker failed to start: ${event.message}`));
        };
        if (options.signal?.aborted) return onAbort();
        options.signal?.addEventListener("abort", onAbort, { once: true });
        const request: JobRequest = { id, module, spec, moduleKey: options.moduleKey };
        worker.postMessage(request);
      });
    } finally {
      if (tail > 0) setTimeout(() => this.#release(slot), tail);
      else this.#release(slot);
    }
  }

  /** Terminates every Worker. */
  close(): void {
    this.#closed = true;
    for (const slot of this.#slots) slot.worker?.terminate();
    this.#slots.length = 0;
  }
}
