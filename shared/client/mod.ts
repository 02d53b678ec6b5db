/**
 * The client library for running jobs on Phase from any runtime (CLI,
 * browser page, scripts): {@linkcode submitJob} builds and signs the
 * manifest for a module and its inputs, and runs it through a submitter to a
 * verified result.
 *
 * ```ts
 * const submitter = await createSubmitter(libp2p, { topic: JOB_TOPIC });
 * const result = await submitJob(submitter, { module, args: ["hi"] }, { keyPair });
 * console.log(new TextDecoder().decode(result.output.stdout));
 * ```
 *
 * @module
 */

import { type KeyPair, sha256Hex } from "../crypto/mod.ts";
import { buildManifest, type JobLimits } from "../manifest/mod.ts";
import type { JobResult, Progress, Submitter } from "../scheduler/mod.ts";

/** A job as a user describes it. */
export interface JobInput {
  /** The WebAssembly module. */
  module: Uint8Array;
  /** Guest arguments (after argv[0]). */
  args?: string[];
  /** Guest environment. */
  env?: Record<string, string>;
  /** Bytes for stdin. */
  stdin?: Uint8Array;
  /** Read-only input files by absolute guest path. */
  files?: Map<string, Uint8Array>;
  /** Guest files to bring back. */
  outputs?: string[];
  /** Limits (defaults: 256 MiB, 30 s, 16 MiB of output). */
  limits?: Partial<JobLimits>;
  /** Executors that must agree (default 1). */
  redundancy?: number;
  /** How long to keep trying, ms (default: the timeout + 30 s). */
  deadlineMs?: number;
}

/** Options of {@linkcode submitJob}. */
export interface SubmitJobOptions {
  /** Signs the manifest (the submitter's identity). */
  keyPair: KeyPair;
  /** Cancels the job. */
  signal?: AbortSignal;
  /** Progress events. */
  onProgress?: (p: Progress) => void;
}

/** Builds, signs and runs a job; resolves with the verified result or throws JobFailedError. */
export async function submitJob(
  submitter: Submitter,
  job: JobInput,
  options: SubmitJobOptions,
): Promise<JobResult> {
  const files = job.files ?? new Map<string, Uint8Array>();
  const timeoutMs = job.limits?.timeoutMs ?? 30_000;
  const manifest = buildManifest({
    module: { sha256: sha256Hex(job.module), size: job.module.length },
    args: job.args ?? [],
    env: job.env ?? {},
    stdin: job.stdin ? { sha256: sha256Hex(job.stdin), size: job.stdin.length } : null,
    files: Object.fromEntries(
      [...files].map(([path, bytes]) => [path, { sha256: sha256Hex(bytes), size: bytes.length }]),
    ),
    outputs: job.outputs ?? [],
    limits: job.limits,
    redundancy: job.redundancy ?? 1,
    deadline: Date.now() + (job.deadlineMs ?? timeoutMs + 30_000),
  }, options.keyPair);
  return await submitter.run(
    { manifest, module: job.module, stdin: job.stdin, files },
    { signal: options.signal, onProgress: options.onProgress },
  );
}
