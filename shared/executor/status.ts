/**
 * Job statuses: every way a job can end, as it appears in results and
 * receipts.
 *
 * - `ok`: the entry function returned or called `proc_exit(0)`.
 * - `exit`: `proc_exit` with a non-zero code (`exitCode` holds it).
 * - `trap`: the guest trapped (`message` holds the engine's trap message).
 * - `timeout`: the wall-clock limit was reached.
 * - `memory_limit`: the module's minimum memory exceeds the limit, or the
 *   guest failed (trap or non-zero exit) with its memory at the limit.
 * - `output_limit`: stdout, stderr, or all output together passed its cap.
 * - `invalid_module`: not a valid (or acceptable) WebAssembly module.
 * - `unsupported_import`: the module imports something this executor lacks.
 * - `fuel_exhausted`: the interpreter's instruction budget ran out.
 *
 * @module
 */

/** Every job status. */
export const JOB_STATUSES = [
  "ok",
  "exit",
  "trap",
  "timeout",
  "memory_limit",
  "output_limit",
  "invalid_module",
  "unsupported_import",
  "fuel_exhausted",
] as const;

/** A job status string. */
export type JobStatus = typeof JOB_STATUSES[number];

/** True when `value` is a job status string. */
export function isJobStatus(value: unknown): value is JobStatus {
  return (JOB_STATUSES as readonly unknown[]).includes(value);
}
