// Messages between the page and its job Workers.

import type { JobResult, JobSpec } from "../../shared/executor/mod.ts";

/** Page -> Worker: run one job. */
export interface JobRequest {
  id: number;
  module: Uint8Array;
  spec: JobSpec;
  moduleKey?: string;
}

/**
 * Worker -> page. `started` comes first: a Worker that dies after it died
 * running the guest; one that dies before it never ran the job.
 */
export type JobReply =
  | { id: number; kind: "started" }
  | { id: number; kind: "result"; result: JobResult }
  | { id: number; kind: "error"; message: string };
