/**
 * The binary framing of edge executors' HTTP API (`POST /v1/execute`), used
 * for both the request and the successful response
 * (`content-type: application/x-phase-job`):
 *
 * ```text
 * "PHJ1"                  4 bytes, magic and version
 * header length N         4 bytes, unsigned big-endian
 * header                  N bytes, UTF-8 JSON object with a `parts` array:
 *                         [{ "name": string, "size": integer }, ...]
 * part bytes              each part's `size` bytes, in `parts` order
 * ```
 *
 * The body ends exactly after the last part. Request header:
 * `{ manifest, parts }` with parts `module` (optional when the worker can get
 * it from `manifest.module.url` or its cache), `stdin` and `file:<path>`.
 * Response header: `{ status, exitCode, message?, receipt, parts }` with parts
 * `stdout`, `stderr` and `file:<path>`. Errors are never framed: they are
 * JSON `{ "error": { "code", "message", ... } }` with a 4xx/5xx status.
 *
 * @module
 */

import { PhaseError } from "../errors.ts";

/** Media type of framed bodies. */
export const FRAME_CONTENT_TYPE = "application/x-phase-job";

const MAGIC = [0x50, 0x48, 0x4a, 0x31]; // "PHJ1"
const MAX_HEADER_BYTES = 8 * 1024 * 1024;

/** A decoded frame: its JSON header (without `parts`) and the named parts. */
export interface Frame {
  /** The header's fields other than `parts`. */
  header: Record<string, unknown>;
  /** Parts by name, in order. */
  parts: Map<string, Uint8Array>;
}

/** Encodes `header` and `parts` as one framed body. */
export function encodeFrame(
  header: Record<string, unknown>,
  parts: Iterable<[string, Uint8Array]> = [],
): Uint8Array {
  const list = [...parts];
  const head = new TextEncoder().encode(JSON.stringify({
    ...header,
    parts: list.map(([name, bytes]) => ({ name, size: bytes.length })),
  }));
  const total = 8 + head.length + list.reduce((n, [, b]) => n + b.length, 0);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, head.length);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const [, bytes] of list) {
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** Decodes a framed body; PhaseError `frame_invalid` when it is not one. */
export function decodeFrame(body: Uint8Array): Frame {
  const bad = (why: string) => new PhaseError("frame_invalid", `bad job frame: ${why}`);
  if (body.length < 8 || MAGIC.some((b, i) => body[i] !== b)) {
    throw bad(`must start with "PHJ1" (content-type ${FRAME_CONTENT_TYPE})`);
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const headLen = view.getUint32(4);
  if (headLen > MAX_HEADER_BYTES || 8 + headLen > body.length) throw bad("header length");
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(
      body.subarray(8, 8 + headLen),
    ));
  } catch {
    throw bad("header is not UTF-8 JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw bad("header must be a JSON object");
  }
  const { parts: list, ...rest } = header as { parts?: unknown };
  if (!Array.isArray(list) || list.length > 10_000) throw bad("header.parts must be an array");
  const parts = new Map<string, Uint8Array>();
  let at = 8 + headLen;
  for (const p of list) {
    const { name, size } = (p ?? {}) as { name?: unknown; size?: unknown };
    if (typeof name !== "string" || name.length === 0 || name.length > 4200) {
      throw bad("part name must be a non-empty string");
    }
    if (!Number.isSafeInteger(size) || (size as number) < 0) throw bad(`part ${name} size`);
    if (parts.has(name)) throw bad(`part ${name} twice`);
    if (at + (size as number) > body.length) throw bad(`part ${name} is truncated`);
    parts.set(name, body.subarray(at, at + (size as number)));
    at += size as number;
  }
  if (at !== body.length) throw bad("trailing bytes after the last part");
  return { header: rest, parts };
}
