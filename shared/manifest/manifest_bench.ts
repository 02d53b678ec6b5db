/**
 * Manifest throughput: canonicalise + hash, build + sign, full validation.
 *
 *   deno bench shared/manifest/manifest_bench.ts
 *
 * @module
 */

import { generateKeyPair, sha256Hex } from "../crypto/mod.ts";
import { canonicalBytes } from "../encoding/mod.ts";
import {
  buildManifest,
  computeJobId,
  type ManifestInput,
  validateManifest,
  validateManifestAsync,
} from "./mod.ts";

const keyPair = generateKeyPair();
// A typical job: a few args and env vars, stdin, two input files, one output.
const input: ManifestInput = {
  module: { sha256: "ab".repeat(32), size: 250_000, url: "https://relay.example/v1/modules/x" },
  args: ["prog", "--input", "/data/a.csv", "--rounds", "10"],
  env: { LANG: "C.UTF-8", RUST_BACKTRACE: "1", MODE: "fast" },
  stdin: { sha256: "cd".repeat(32), size: 1024 },
  files: {
    "/data/a.csv": { sha256: "ef".repeat(32), size: 65536 },
    "/data/config.json": { sha256: "01".repeat(32), size: 512 },
  },
  outputs: ["/out/result.json"],
  limits: { memoryMb: 128, timeoutMs: 10_000, maxOutputBytes: 1 << 20 },
};
const manifest = buildManifest(input, keyPair);
const wire = JSON.parse(JSON.stringify(manifest));

Deno.bench("manifest: canonicalise + SHA-256", { baseline: true }, () => {
  sha256Hex(canonicalBytes(manifest));
});

Deno.bench("manifest: computeJobId", () => {
  computeJobId(manifest);
});

Deno.bench("manifest: build + sign", () => {
  buildManifest(input, keyPair);
});

Deno.bench("manifest: validate (shape + id + noble verify)", () => {
  validateManifest(wire);
});

Deno.bench("manifest: validate (shape + id + WebCrypto verify, async)", async () => {
  await validateManifestAsync(wire);
});
