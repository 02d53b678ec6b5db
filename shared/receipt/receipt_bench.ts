/**
 * Receipt throughput: sign, verify (noble sync and WebCrypto async).
 *
 *   deno bench --allow-read shared/receipt/receipt_bench.ts
 *
 * @module
 */

import { generateKeyPair } from "../crypto/mod.ts";
import { utf8Encode } from "../encoding/mod.ts";
import { buildManifest, inputSha256 } from "../manifest/mod.ts";
import {
  buildReceipt,
  type JobOutput,
  outputSha256,
  verifyReceipt,
  verifyReceiptAsync,
} from "./mod.ts";

const executor = generateKeyPair();
const manifest = buildManifest(
  { module: { sha256: "ab".repeat(32), size: 100_000 }, args: ["prog"], outputs: ["/out"] },
  generateKeyPair(),
);
const output: JobOutput = {
  status: "ok",
  exitCode: 0,
  stdout: utf8Encode("result\n"),
  stderr: new Uint8Array(0),
  files: { "/out": utf8Encode("42") },
};
const fields = {
  jobId: manifest.id,
  moduleSha256: manifest.module.sha256,
  inputSha256: inputSha256(manifest),
  outputSha256: outputSha256(output),
  status: "ok",
  exitCode: 0,
  startedAt: Date.now(),
  wallMs: 12,
  runtime: { kind: "deno" as const, engine: "jit" },
};
const receipt = buildReceipt(fields, executor);
// As received from the wire: parsed JSON, not the builder's object.
const wire = JSON.parse(JSON.stringify(receipt));

// Receipts from 300 different executors, to measure verification without key reuse.
const many = Array.from(
  { length: 300 },
  () => JSON.parse(JSON.stringify(buildReceipt(fields, generateKeyPair()))),
);
let next = 0;

Deno.bench("receipt: build + sign (noble)", () => {
  buildReceipt(fields, executor);
});

Deno.bench("receipt: verify (noble, sync)", { baseline: true }, () => {
  verifyReceipt(wire);
});

Deno.bench("receipt: verify (WebCrypto when present, async)", async () => {
  await verifyReceiptAsync(wire);
});

Deno.bench("receipt: verify with manifest + output (noble, sync)", () => {
  verifyReceipt(wire, { manifest, output });
});

Deno.bench("receipt: verify with manifest + output (async)", async () => {
  await verifyReceiptAsync(wire, { manifest, output });
});

Deno.bench("receipt: verify, new executor key each time (sync)", () => {
  verifyReceipt(many[next++ % many.length]);
});

Deno.bench("receipt: verify x100 (sync)", { group: "batch" }, () => {
  for (let i = 0; i < 100; i++) verifyReceipt(wire);
});

Deno.bench("receipt: verify x100 (async, sequential)", { group: "batch" }, async () => {
  for (let i = 0; i < 100; i++) await verifyReceiptAsync(wire);
});

Deno.bench("receipt: verify x100 (async, concurrent)", { group: "batch" }, async () => {
  await Promise.all(Array.from({ length: 100 }, () => verifyReceiptAsync(wire)));
});
