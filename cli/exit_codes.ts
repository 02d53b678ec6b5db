/**
 * Exit codes of `phase run` and `phase submit`: the guest's own exit code
 * when it exited, otherwise one code per status (documented in `--help`).
 *
 * @module
 */

/** Bad command line. */
export const EXIT_USAGE = 64;
/** The network could not produce a verified result (no executor, deadline, bad receipts). */
export const EXIT_JOB_FAILED = 69;
/** Something local went wrong (file unreadable, key unusable). */
export const EXIT_LOCAL_ERROR = 70;

/** Exit code per non-`ok`/`exit` status. */
export const STATUS_EXIT_CODES: Record<string, number> = {
  trap: 134,
  timeout: 124,
  memory_limit: 137,
  output_limit: 141,
  invalid_module: 65,
  unsupported_import: 66,
  fuel_exhausted: 125,
};

/** The process exit code for a job outcome. */
export function exitCodeFor(status: string, exitCode: number): number {
  if (status === "ok") return 0;
  if (status === "exit") return exitCode & 0xff || 1;
  return STATUS_EXIT_CODES[status] ?? EXIT_JOB_FAILED;
}

/** Help text listing the codes. */
export const EXIT_CODES_HELP = `exit codes:
  0 ok; the guest's own code when it exited non-zero
  ${STATUS_EXIT_CODES.trap} trap, ${STATUS_EXIT_CODES.timeout} timeout, ${STATUS_EXIT_CODES.memory_limit} memory_limit, ${STATUS_EXIT_CODES.output_limit} output_limit,
  ${STATUS_EXIT_CODES.invalid_module} invalid_module, ${STATUS_EXIT_CODES.unsupported_import} unsupported_import, ${STATUS_EXIT_CODES.fuel_exhausted} fuel_exhausted
  ${EXIT_USAGE} usage error, ${EXIT_JOB_FAILED} no verified result from the network, ${EXIT_LOCAL_ERROR} local error`;
