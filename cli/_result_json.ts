// The JSON form of a job result that `phase submit --json` prints and
// `phase verify` reads back: output bytes as UTF-8 text where they are valid
// UTF-8, else base64 (the `*Encoding` fields say which).

import { fromBase64Url, toBase64Url } from "../shared/encoding/mod.ts";
import type { JobOutput, Receipt } from "../shared/receipt/mod.ts";
import type { JobManifest } from "../shared/manifest/mod.ts";
import type { JobResult } from "../shared/scheduler/mod.ts";
import { PhaseError } from "../shared/errors.ts";

/** Bytes as text: UTF-8 where valid, else base64url. */
export interface EncodedBytes {
  /** The text. */
  data: string;
  /** How `data` encodes the bytes. */
  encoding: "utf8" | "base64url";
}

const strict = new TextDecoder("utf-8", { fatal: true });

/** Encodes bytes for JSON output. */
export function encodeBytes(bytes: Uint8Array): EncodedBytes {
  try {
    return { data: strict.decode(bytes), encoding: "utf8" };
  } catch {
    return { data: toBase64Url(bytes), encoding: "base64url" };
  }
}

/** Decodes {@linkcode encodeBytes}' form. */
export function decodeBytes(value: unknown, what: string): Uint8Array {
  const v = value as EncodedBytes;
  if (typeof v?.data !== "string") throw new PhaseError("result_invalid", `${what} is missing`);
  if (v.encoding === "utf8") return new TextEncoder().encode(v.data);
  if (v.encoding === "base64url") return fromBase64Url(v.data);
  throw new PhaseError("result_invalid", `${what} has an unknown encoding`);
}

/** The printed form of a result. */
export interface ResultJson {
  status: string;
  exitCode: number;
  message?: string;
  stdout: EncodedBytes;
  stderr: EncodedBytes;
  files: Record<string, EncodedBytes>;
  manifest: JobManifest;
  receipts: Receipt[];
  agreed: string[];
  disagreed: string[];
  attempts: JobResult["attempts"];
}

/** Builds the JSON form of a scheduler result. */
export function toResultJson(result: JobResult): ResultJson {
  return {
    status: result.output.status,
    exitCode: result.output.exitCode,
    ...(result.message ? { message: result.message } : {}),
    stdout: encodeBytes(result.output.stdout),
    stderr: encodeBytes(result.output.stderr),
    files: Object.fromEntries(
      Object.entries(result.output.files).map(([p, b]) => [p, encodeBytes(b)]),
    ),
    manifest: result.manifest,
    receipts: result.receipts,
    agreed: result.agreed,
    disagreed: result.disagreed,
    attempts: result.attempts,
  };
}

/** Reads the output back out of a result's JSON form. */
export function outputOf(json: Record<string, unknown>): JobOutput {
  const files: Record<string, Uint8Array> = {};
  for (const [path, value] of Object.entries((json.files ?? {}) as Record<string, unknown>)) {
    files[path] = decodeBytes(value, `files[${path}]`);
  }
  return {
    status: String(json.status),
    exitCode: Number(json.exitCode),
    stdout: decodeBytes(json.stdout, "stdout"),
    stderr: decodeBytes(json.stderr, "stderr"),
    files,
  };
}
