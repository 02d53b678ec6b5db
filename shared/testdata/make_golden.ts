/**
 * Writes the golden key, manifest, output and receipt in this folder.
 * Run by hand only, when the format deliberately changes (version bump):
 *
 *   deno run --allow-write=shared/testdata shared/testdata/make_golden.ts
 *
 * Every input is fixed (key seed, nonce, clock), and Ed25519 is
 * deterministic, so re-running it on an unchanged format rewrites identical
 * bytes. `golden_test.ts` re-verifies the committed files with the current
 * code, so a change that breaks old receipts fails CI.
 *
 * @module
 */

import { encodeKeyFile, keyPairFromSecretKey, sha256, sha256Hex } from "../crypto/mod.ts";
import { toBase64Url, utf8Encode } from "../encoding/mod.ts";
import { buildManifest, inputSha256 } from "../manifest/mod.ts";
import { buildReceipt, type JobOutput, outputSha256 } from "../receipt/mod.ts";

/** The golden fixtures, computed (also used by golden_test.ts to compare bytes). */
export function makeGolden(): Record<string, string> {
  const submitter = keyPairFromSecretKey(sha256(utf8Encode("phase golden submitter v1")));
  const executor = keyPairFromSecretKey(sha256(utf8Encode("phase golden executor v1")));
  const moduleBytes = utf8Encode("\0asm\x01\0\0\0golden module stand-in");
  const stdin = utf8Encode("3 4\n");
  const input = utf8Encode("golden input file\n");
  const manifest = buildManifest({
    module: {
      sha256: sha256Hex(moduleBytes),
      size: moduleBytes.length,
      url: "https://relay.example/v1/modules/" + sha256Hex(moduleBytes),
    },
    entry: "_start",
    args: ["add", "--verbose", "ünïcode ✓"],
    env: { LANG: "C.UTF-8", PHASE: "1" },
    stdin: { sha256: sha256Hex(stdin), size: stdin.length },
    files: { "/data/input.txt": { sha256: sha256Hex(input), size: input.length } },
    outputs: ["/out/result.txt"],
    limits: { memoryMb: 64, timeoutMs: 5000, maxOutputBytes: 1048576, fuel: 10_000_000 },
    redundancy: 2,
    deadline: 1_800_000_000_000,
    nonce: "00112233445566778899aabbccddeeff",
  }, submitter);
  const output: JobOutput = {
    status: "ok",
    exitCode: 0,
    stdout: utf8Encode("7\n"),
    stderr: utf8Encode("adding 3 and 4\n"),
    files: { "/out/result.txt": utf8Encode("7") },
  };
  const receipt = buildReceipt({
    jobId: manifest.id,
    moduleSha256: manifest.module.sha256,
    inputSha256: inputSha256(manifest),
    outputSha256: outputSha256(output),
    status: output.status,
    exitCode: output.exitCode,
    startedAt: 1_799_999_000_000,
    wallMs: 42,
    fuelUsed: 31337,
    runtime: { kind: "deno", engine: "interp" },
  }, executor);
  const outputJson = {
    status: output.status,
    exitCode: output.exitCode,
    stdout: toBase64Url(output.stdout),
    stderr: toBase64Url(output.stderr),
    files: Object.fromEntries(
      Object.entries(output.files).map(([path, bytes]) => [path, toBase64Url(bytes)]),
    ),
  };
  const pretty = (value: unknown) => JSON.stringify(value, null, 2) + "\n";
  return {
    "golden_submitter_key.json": encodeKeyFile(submitter),
    "golden_executor_key.json": encodeKeyFile(executor),
    "golden_manifest.json": pretty(manifest),
    "golden_output.json": pretty(outputJson),
    "golden_receipt.json": pretty(receipt),
  };
}

if (import.meta.main) {
  const dir = new URL(".", import.meta.url);
  // deno-lint-ignore no-explicit-any
  const deno = (globalThis as any).Deno;
  for (const [name, text] of Object.entries(makeGolden())) {
    await deno.writeTextFile(new URL(name, dir), text);
    console.log(`wrote ${name}`);
  }
}
