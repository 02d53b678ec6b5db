/**
 * Types shared by executor nodes and their runtime hosts.
 *
 * @module
 */

import type { JobStatus } from "../protocol/mod.ts";
import type { JobManifest } from "../manifest/mod.ts";

/** Inputs of one job, already checked against the manifest's hashes. */
export interface JobInputs {
  /** Bytes for the guest's stdin (empty when the manifest has none). */
  stdin: Uint8Array;
  /** Read-only input files by absolute path. */
  files: Map<string, Uint8Array>;
}

/** What a runtime host returns after running one job. */
export interface ExecutionResult {
  /** Executor status. */
  status: JobStatus;
  /** Guest exit code (0 unless it exited otherwise). */
  exitCode: number;
  /** Captured stdout. */
  stdout: Uint8Array;
  /** Captured stderr. */
  stderr: Uint8Array;
  /** Output files collected after the run, by path. */
  files: Record<string, Uint8Array>;
  /** Trap or limit detail for non-`ok` statuses. */
  message?: string;
  /** Wall-clock milliseconds the guest ran. */
  wallMs: number;
  /** Milliseconds since the epoch when the guest started. */
  startedAt: number;
  /** Instructions executed, where the engine meters them. */
  fuelUsed?: number;
  /** Engine that ran it, e.g. `v8` or `interp`. */
  engine: string;
}

/**
 * Runs one job on this runtime (in its own Worker, with the manifest's
 * limits). Implementations never throw for guest misbehaviour: that is a
 * status in the result.
 */
export type ExecuteJob = (
  module: Uint8Array,
  manifest: JobManifest,
  inputs: JobInputs,
  options: { signal: AbortSignal },
) => Promise<ExecutionResult>;

export type { RuntimeKind } from "../receipt/mod.ts";

/** One line of an executor node's activity log. */
export interface NodeEvent {
  /** What happened. */
  event:
    | "offer"
    | "declined"
    | "assigned"
    | "finished"
    | "failed"
    | "cancelled"
    | "skipped";
  /** The job concerned. */
  jobId: string;
  /** Extra detail (status, reason, timing). */
  [key: string]: unknown;
}
