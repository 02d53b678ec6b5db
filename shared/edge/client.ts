/**
 * Calling an edge executor over HTTP: `GET /v1/info` and
 * `POST /v1/execute` with the framing of `framing.ts`. Runtime-agnostic
 * (global `fetch`). The receipt is returned as received: the caller verifies
 * it (the scheduler does, against the manifest and the output).
 *
 * @module
 */

import { PhaseError } from "../errors.ts";
import type { JobManifest } from "../manifest/mod.ts";
import type { RuntimeKind } from "../receipt/mod.ts";
import { decodeFrame, encodeFrame, FRAME_CONTENT_TYPE } from "./framing.ts";
import type { EdgeLimits } from "./record.ts";

/** What `GET /v1/info` answers. */
export interface EdgeInfo {
  /** Raw Ed25519 public key, unpadded base64url. */
  executor: string;
  /** libp2p peer id of the same key. */
  executorPeerId: string;
  /** Runtime kind. */
  runtime: RuntimeKind;
  /** Engine (`v8`, `interp`). */
  engine: string;
  /** Limits accepted. */
  limits: EdgeLimits;
  /** Worker version. */
  version: string;
  /** Whether any validly signed manifest is admitted (else only listed submitters). */
  open: boolean;
  /** Whether the host allows compiling WebAssembly from bytes at run time (false on Cloudflare). */
  codegen?: boolean;
}

/** An edge executor's answer to one job, before verification. */
export interface EdgeResult {
  status: string;
  exitCode: number;
  message?: string;
  /** The receipt as received (unverified). */
  receipt: Record<string, unknown>;
  stdout: Uint8Array;
  stderr: Uint8Array;
  files: Record<string, Uint8Array>;
}

/** A job for {@linkcode executeOnEdge}. */
export interface EdgeJob {
  manifest: JobManifest;
  /** Module bytes; omit to let the worker use its cache or `manifest.module.url`. */
  module?: Uint8Array;
  stdin?: Uint8Array;
  files?: Map<string, Uint8Array>;
}

/** An edge executor's JSON error, with the HTTP status; `code` is the worker's. */
export class EdgeError extends PhaseError {
  /** HTTP status. */
  readonly status: number;
  /** Extra fields of the error (e.g. `limit`, `max`). */
  readonly detail: Record<string, unknown>;

  /** Creates the error. */
  constructor(status: number, code: string, message: string, detail: Record<string, unknown> = {}) {
    super(code, message);
    this.name = "EdgeError";
    this.status = status;
    this.detail = detail;
  }
}

async function errorFrom(res: Response): Promise<EdgeError> {
  const text = await res.text().catch(() => "");
  try {
    const { error } = JSON.parse(text) as { error: Record<string, unknown> };
    const { code, message, ...detail } = error;
    return new EdgeError(res.status, String(code), String(message), detail);
  } catch {
    return new EdgeError(
      res.status,
      "edge_http_error",
      `HTTP ${res.status}: ${text.slice(0, 200)}`,
    );
  }
}

function endpoint(url: string, path: string): string {
  return url.replace(/\/+$/, "") + path;
}

/** Reads `GET <url>/v1/info`. */
export async function fetchEdgeInfo(
  url: string,
  options: { signal?: AbortSignal } = {},
): Promise<EdgeInfo> {
  const res = await fetch(endpoint(url, "/v1/info"), { signal: options.signal });
  if (!res.ok) throw await errorFrom(res);
  return await res.json() as EdgeInfo;
}

/** Encodes a job as the body of `POST /v1/execute`. */
export function encodeEdgeJob(job: EdgeJob): Uint8Array {
  const parts: [string, Uint8Array][] = [];
  if (job.module) parts.push(["module", job.module]);
  if (job.stdin && job.manifest.stdin) parts.push(["stdin", job.stdin]);
  for (const [path, bytes] of job.files ?? []) parts.push([`file:${path}`, bytes]);
  return encodeFrame({ manifest: job.manifest }, parts);
}

/** Decodes a `POST /v1/execute` success body. */
export function decodeEdgeResult(body: Uint8Array): EdgeResult {
  const { header, parts } = decodeFrame(body);
  const files: Record<string, Uint8Array> = {};
  for (const [name, bytes] of parts) if (name.startsWith("file:")) files[name.slice(5)] = bytes;
  if (typeof header.status !== "string" || !Number.isInteger(header.exitCode)) {
    throw new PhaseError("frame_invalid", "edge result header lacks status or exitCode");
  }
  if (typeof header.receipt !== "object" || header.receipt === null) {
    throw new PhaseError("frame_invalid", "edge result has no receipt");
  }
  const result: EdgeResult = {
    status: header.status,
    exitCode: header.exitCode as number,
    receipt: header.receipt as Record<string, unknown>,
    stdout: parts.get("stdout") ?? new Uint8Array(0),
    stderr: parts.get("stderr") ?? new Uint8Array(0),
    files,
  };
  if (typeof header.message === "string") result.message = header.message;
  return result;
}

/** Runs one job on the edge executor at `url`; EdgeError for its 4xx/5xx answers. */
export async function executeOnEdge(
  url: string,
  job: EdgeJob,
  options: { signal?: AbortSignal } = {},
): Promise<EdgeResult> {
  const res = await fetch(endpoint(url, "/v1/execute"), {
    method: "POST",
    headers: { "content-type": FRAME_CONTENT_TYPE },
    body: encodeEdgeJob(job) as Uint8Array<ArrayBuffer>,
    signal: options.signal,
  });
  if (!res.ok) throw await errorFrom(res);
  return decodeEdgeResult(new Uint8Array(await res.arrayBuffer()));
}
