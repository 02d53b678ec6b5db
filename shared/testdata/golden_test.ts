import { decodeKeyFile, peerIdFromPublicKey } from "../crypto/mod.ts";
import { fromBase64Url, toBase64Url } from "../encoding/mod.ts";
import { computeJobId, inputSha256, validateManifest } from "../manifest/mod.ts";
import { type JobOutput, outputSha256, verifyReceipt } from "../receipt/mod.ts";
import { assertEquals } from "../testing/mod.ts";
import { makeGolden } from "./make_golden.ts";

// Pinned so that regenerating the files is a visible, deliberate change.
const JOB_ID = "8c41c1705dac084fe6d4c9e65f012f69aea4f1de20fabd3a97df887f5e2441bf";
const OUTPUT_SHA256 = "9c23fb6974d3297e9f0a46c72d080eaf06bd59f13a1b247162407f6ea8666f2a";
const RECEIPT_SIGNATURE =
  "j1scUIhOrUt45Pk_Kgm3EzOu-wTJFGhJFqLzBH5cdaI0XFfvvn49blqm3cdiQKA2Z6JNbJTE8s5GA3Lhk5XLBg";

async function read(name: string): Promise<string> {
  return await Deno.readTextFile(new URL(name, import.meta.url));
}

Deno.test("golden: committed manifest, output and receipt still verify", async () => {
  const submitter = decodeKeyFile(await read("golden_submitter_key.json"));
  const executor = decodeKeyFile(await read("golden_executor_key.json"));
  const manifestJson = JSON.parse(await read("golden_manifest.json"));
  const receiptJson = JSON.parse(await read("golden_receipt.json"));
  const o = JSON.parse(await read("golden_output.json"));
  const output: JobOutput = {
    status: o.status,
    exitCode: o.exitCode,
    stdout: fromBase64Url(o.stdout),
    stderr: fromBase64Url(o.stderr),
    files: Object.fromEntries(
      Object.entries(o.files).map(([path, text]) => [path, fromBase64Url(text as string)]),
    ),
  };

  const manifest = validateManifest(manifestJson);
  assertEquals(manifest, manifestJson);
  assertEquals(manifest.id, JOB_ID);
  assertEquals(computeJobId(manifest), JOB_ID);
  assertEquals(manifest.submitter, toBase64Url(submitter.publicKey));

  const receipt = verifyReceipt(receiptJson, { manifest, output });
  assertEquals(receipt, receiptJson);
  assertEquals(receipt.jobId, JOB_ID);
  assertEquals(receipt.inputSha256, inputSha256(manifest));
  assertEquals(outputSha256(output), OUTPUT_SHA256);
  assertEquals(receipt.outputSha256, OUTPUT_SHA256);
  assertEquals(receipt.signature, RECEIPT_SIGNATURE);
  assertEquals(receipt.executor, toBase64Url(executor.publicKey));
  assertEquals(receipt.executorPeerId, peerIdFromPublicKey(executor.publicKey));
});

Deno.test("golden: today's builders reproduce the committed files byte for byte", async () => {
  for (const [name, text] of Object.entries(makeGolden())) {
    assertEquals(await read(name), text, `${name} differs from what make_golden.ts builds`);
  }
});
