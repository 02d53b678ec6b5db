import { PhaseError } from "../errors.ts";

/** One executor's try at a job, as the scheduler saw it. */
export interface AttemptReport {
  /** Executor peer id. */
  executor: string;
  /** `agreed`, `disagreed`, `pending` (cancelled once a quorum was reached) or `failed`. */
  outcome: "agreed" | "disagreed" | "pending" | "failed";
  /** Why it failed, for `failed`. */
  reason?: string;
  /** Output hash the executor's receipt claimed, when it returned one. */
  outputSha256?: string;
  /** Milliseconds from assignment to result. */
  ms?: number;
}

/** A job that could not produce a verified result; `attempts` says why, one line each. */
export class JobFailedError extends PhaseError {
  /** Every attempt and its reason. */
  readonly attempts: AttemptReport[];

  /** Creates the error with the reason and every attempt. */
  constructor(code: string, message: string, attempts: AttemptReport[]) {
    const lines = attempts.map((a) =>
      `  - ${a.executor}: ${a.outcome}${a.reason ? ` (${a.reason})` : ""}`
    );
    super(code, lines.length ? `${message}\n${lines.join("\n")}` : message);
    this.name = "JobFailedError";
    this.attempts = attempts;
  }
}
