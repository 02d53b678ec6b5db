/**
 * The receipt for one run of a signed manifest: what every executor (the
 * libp2p node, `phase run --json`, the edge worker) signs after a run.
 * Runtime-agnostic and free of libp2p, so the edge worker imports it by path.
 *
 * @module
 */

import type { KeyPair } from "../crypto/mod.ts";
import { inputSha256, type JobManifest } from "../manifest/mod.ts";
import { buildReceipt, outputSha256, type Receipt } from "../receipt/mod.ts";

/** The parts of a run's result a receipt covers. */
export interface ReceiptRun {
  status: string;
  exitCode: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
  files: Record<string, Uint8Array>;
  startedAt: number;
  wallMs: number;
  fuelUsed?: number;
}

/** Signs the receipt of `result`, a run of `manifest`, with `keyPair`. */
export function receiptFor(
  manifest: JobManifest,
  result: ReceiptRun,
  runtime: Receipt["runtime"],
  keyPair: KeyPair,
): Receipt {
  const output = {
    status: result.status,
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    files: result.files,
  };
  return buildReceipt({
    jobId: manifest.id,
    moduleSha256: manifest.module.sha256,
    inputSha256: inputSha256(manifest),
    outputSha256: outputSha256(output),
    status: result.status,
    exitCode: result.exitCode,
    startedAt: result.startedAt,
    wallMs: result.wallMs,
    ...(result.fuelUsed !== undefined ? { fuelUsed: result.fuelUsed } : {}),
    runtime,
  }, keyPair);
}
