/**
 * Edge executors (Cloudflare Workers, Deno Deploy) seen from the rest of
 * Phase: the HTTP wire format of `POST /v1/execute` ({@linkcode encodeFrame}),
 * a client ({@linkcode executeOnEdge}, {@linkcode fetchEdgeInfo}) and the
 * signed records relays keep in their registry ({@linkcode signExecutorRecord}).
 *
 * @module
 */

export { decodeFrame, encodeFrame, FRAME_CONTENT_TYPE } from "./framing.ts";
export type { Frame } from "./framing.ts";
export {
  decodeEdgeResult,
  EdgeError,
  encodeEdgeJob,
  executeOnEdge,
  fetchEdgeInfo,
} from "./client.ts";
export type { EdgeInfo, EdgeJob, EdgeResult } from "./client.ts";
export {
  exceededLimit,
  MAX_RECORD_TTL_MS,
  signExecutorRecord,
  verifyExecutorRecord,
} from "./record.ts";
export type {
  EdgeExecutorRecord,
  EdgeLimits,
  LimitExceeded,
  SignRecordOptions,
  VerifyRecordOptions,
} from "./record.ts";
