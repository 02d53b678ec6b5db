// Messages between the Deno host and its Workers.

import type { JobResult, JobSpec } from "../../shared/executor/mod.ts";

/** Host -> Worker: run one job. */
export interface WorkerRequest {
  id: number;
  module: Uint8Array;
  spec: JobSpec;
  engine: string;
  moduleKey?: string;
  /** Send stdout/stderr chunks as the guest writes them. */
  stream: boolean;
}

/** Worker -> host. */
export type WorkerReply =
  | { id: number; kind: "result"; result: JobResult }
  | { id: number; kind: "error"; message: string }
  | { id: number; kind: "stdout" | "stderr"; chunk: Uint8Array };
