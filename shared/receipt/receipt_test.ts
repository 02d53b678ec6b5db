import { isPhaseError } from "../errors.ts";
import { canonicalize, fromBase64Url, toBase64Url, utf8Encode } from "../encoding/mod.ts";
import { generateKeyPair, peerIdFromPublicKey, sha256, sha256Hex, verify } from "../crypto/mod.ts";
import { buildManifest, inputSha256 } from "../manifest/mod.ts";
import { assert, assertEquals, assertThrows } from "../testing/mod.ts";
import {
  buildReceipt,
  type JobOutput,
  outputSha256,
  parseReceipt,
  type Receipt,
  receiptDigest,
  verifyReceipt,
  verifyReceiptAsync,
} from "./mod.ts";

const submitter = generateKeyPair();
const executor = generateKeyPair();
const manifest = buildManifest({
  module: { sha256: "ab".repeat(32), size: 4096 },
  args: ["prog"],
  outputs: ["/out.txt"],
}, submitter);
const output: JobOutput = {
  status: "ok",
  exitCode: 0,
  stdout: utf8Encode("hello\n"),
  stderr: new Uint8Array(0),
  files: { "/out.txt": utf8Encode("42") },
};

function sample(extra: Partial<Receipt> = {}): Receipt {
  return buildReceipt({
    jobId: manifest.id,
    moduleSha256: manifest.module.sha256,
    inputSha256: inputSha256(manifest),
    outputSha256: outputSha256(output),
    status: output.status,
    exitCode: output.exitCode,
    startedAt: 1_700_000_000_000,
    wallMs: 12.7,
    fuelUsed: 123456,
    runtime: { kind: "deno", engine: "jit" },
    ...extra,
  }, executor);
}

function expectCode(fn: () => unknown, code: string, what = ""): void {
  const err = assertThrows(fn);
  assert(isPhaseError(err, code), `${what}: expected ${code}, got ${err}`);
}

Deno.test("receipt: build, sign, verify against manifest and output", async () => {
  const r = sample();
  assertEquals(r.version, 1);
  assertEquals(r.wallMs, 13);
  assertEquals(r.executor, toBase64Url(executor.publicKey));
  assertEquals(r.executorPeerId, peerIdFromPublicKey(executor.publicKey));
  assertEquals(verifyReceipt(r), r);
  assertEquals(verifyReceipt(r, { manifest, output }), r);
  assertEquals(await verifyReceiptAsync(r, { manifest, output }), r);
  assertEquals(parseReceipt(JSON.stringify(r)), r);
  // The signature is over SHA-256 of the canonical receipt without signature.
  const { signature, ...rest } = r;
  const digest = sha256(utf8Encode(canonicalize(rest)));
  assertEquals(receiptDigest(r), digest);
  assert(verify(fromBase64Url(signature), digest, executor.publicKey));
  // fuelUsed is optional.
  const { fuelUsed: _, ...noFuel } = r;
  const r2 = buildReceipt({ ...noFuel }, executor);
  assert(!("fuelUsed" in r2));
  verifyReceipt(r2, { manifest, output });
});

Deno.test("receipt: outputSha256 is over status, exit code, streams and files", () => {
  const expected = sha256Hex(utf8Encode(canonicalize({
    status: "ok",
    exitCode: 0,
    stdout: sha256Hex(output.stdout),
    stderr: sha256Hex(output.stderr),
    files: { "/out.txt": sha256Hex(output.files["/out.txt"]) },
  })));
  assertEquals(outputSha256(output), expected);
  for (
    const changed of [
      { ...output, status: "exit" },
      { ...output, exitCode: 1 },
      { ...output, stdout: utf8Encode("hello") },
      { ...output, stderr: utf8Encode("x") },
      { ...output, files: {} },
      { ...output, files: { "/out.txt": utf8Encode("43") } },
    ]
  ) assert(outputSha256(changed) !== expected);
});

Deno.test("receipt: mismatches and tampering give typed errors", async () => {
  const r = sample();
  const other = buildManifest({ module: manifest.module }, submitter);
  expectCode(() => verifyReceipt(r, { manifest: other }), "receipt_job_mismatch", "job");
  expectCode(
    () => verifyReceipt(r, { manifest: { ...manifest, args: ["other"] } }),
    "receipt_job_mismatch",
    "input",
  );
  expectCode(
    () =>
      verifyReceipt(r, { manifest: { ...manifest, module: { sha256: "cd".repeat(32), size: 1 } } }),
    "receipt_job_mismatch",
    "module",
  );
  expectCode(
    () => verifyReceipt(r, { output: { ...output, stdout: utf8Encode("bye\n") } }),
    "receipt_output_mismatch",
  );
  expectCode(
    () => verifyReceipt(r, { output: { ...output, exitCode: 3 } }),
    "receipt_output_mismatch",
  );
  expectCode(
    () =>
      verifyReceipt(r, { manifest, output: { ...output, files: { "/etc/x": new Uint8Array() } } }),
    "receipt_output_mismatch",
  );
  expectCode(() => verifyReceipt({ ...r, wallMs: 14 }), "receipt_bad_signature");
  expectCode(() => verifyReceipt({ ...r, status: "trap" }), "receipt_bad_signature");
  const thief = generateKeyPair();
  expectCode(
    () =>
      verifyReceipt({
        ...r,
        executor: toBase64Url(thief.publicKey),
        executorPeerId: peerIdFromPublicKey(thief.publicKey),
      }),
    "receipt_bad_signature",
  );
  expectCode(
    () => verifyReceipt({ ...r, executorPeerId: peerIdFromPublicKey(thief.publicKey) }),
    "receipt_peer_id_mismatch",
  );
  const err = await verifyReceiptAsync({ ...r, wallMs: 14 }).catch((e) => e);
  assert(isPhaseError(err, "receipt_bad_signature"));
});

Deno.test("receipt: every field is checked", () => {
  const r = sample();
  const cases: [string, (x: Record<string, unknown>) => void, string][] = [
    ["extra", (x) => x.extra = true, "receipt_unknown_field"],
    ["missing jobId", (x) => delete x.jobId, "receipt_missing_field"],
    ["version", (x) => x.version = "1", "receipt_invalid_field"],
    ["jobId short", (x) => x.jobId = "abc", "receipt_invalid_field"],
    ["outputSha256 upper", (x) => x.outputSha256 = "AB".repeat(32), "receipt_invalid_field"],
    ["status empty", (x) => x.status = "", "receipt_invalid_field"],
    ["status caps", (x) => x.status = "OK", "receipt_invalid_field"],
    ["exitCode float", (x) => x.exitCode = 0.5, "receipt_invalid_field"],
    ["exitCode huge", (x) => x.exitCode = 2 ** 40, "receipt_invalid_field"],
    ["startedAt negative", (x) => x.startedAt = -1, "receipt_invalid_field"],
    ["wallMs string", (x) => x.wallMs = "1", "receipt_invalid_field"],
    ["fuelUsed null", (x) => x.fuelUsed = null, "receipt_invalid_field"],
    ["runtime kind", (x) => x.runtime = { kind: "node", engine: "v8" }, "receipt_invalid_field"],
    [
      "runtime extra",
      (x) => x.runtime = { kind: "deno", engine: "v8", x: 1 },
      "receipt_unknown_field",
    ],
    ["runtime engine", (x) => x.runtime = { kind: "deno", engine: "" }, "receipt_invalid_field"],
    ["executor", (x) => x.executor = "abc", "receipt_invalid_field"],
    ["executorPeerId", (x) => x.executorPeerId = 5, "receipt_invalid_field"],
    ["signature", (x) => x.signature = "x", "receipt_invalid_field"],
    ["proto", (x) => Object.setPrototypeOf(x, Map.prototype), "receipt_invalid_field"],
  ];
  for (const [name, mutate, code] of cases) {
    const copy = structuredClone(r) as unknown as Record<string, unknown>;
    mutate(copy);
    expectCode(() => verifyReceipt(copy), code, name);
  }
  expectCode(() => parseReceipt("[1"), "receipt_invalid_json");
  expectCode(() => verifyReceipt(undefined), "receipt_invalid_field");
  expectCode(() => sample({ wallMs: NaN }), "receipt_invalid_field");
});
