import { isPhaseError } from "../errors.ts";
import { canonicalize, utf8Encode } from "../encoding/mod.ts";
import { decodeKeyFile } from "../crypto/mod.ts";
import { assert, assertLess } from "../testing/mod.ts";
import { fuzzSeed, mutate, Rng } from "../testdata/fuzz.ts";
import { buildReceipt, type JobOutput, outputSha256, parseReceipt, verifyReceipt } from "./mod.ts";

const ROUNDS = 10_000;

Deno.test(`receipt fuzz: ${ROUNDS} random mutations are accepted-and-valid or typed rejections`, async () => {
  const seed = fuzzSeed(Deno.env.get("PHASE_FUZZ_SEED"));
  console.log(`seed ${seed} (rerun with PHASE_FUZZ_SEED=${seed})`);
  const rng = new Rng(seed);
  const key = decodeKeyFile(
    await Deno.readTextFile(new URL("../testdata/golden_executor_key.json", import.meta.url)),
  );
  const output: JobOutput = {
    status: "exit",
    exitCode: 3,
    stdout: utf8Encode("out"),
    stderr: utf8Encode("err"),
    files: {},
  };
  const base = buildReceipt({
    jobId: "ab".repeat(32),
    moduleSha256: "cd".repeat(32),
    inputSha256: "ef".repeat(32),
    outputSha256: outputSha256(output),
    status: output.status,
    exitCode: output.exitCode,
    startedAt: 1_700_000_000_000,
    wallMs: 5,
    fuelUsed: 77,
    runtime: { kind: "browser", engine: "jit" },
  }, key);
  const expected = canonicalize(base);
  const started = performance.now();
  const codes = new Map<string, number>();
  let accepted = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const m = mutate(base, rng);
    const options = i % 2 ? { output } : {};
    try {
      const result = m.text !== undefined
        ? parseReceipt(m.text, options)
        : verifyReceipt(m.value, options);
      assert(
        canonicalize(result) === expected,
        `round ${i} (${m.label}) accepted a changed receipt`,
      );
      accepted++;
    } catch (err) {
      if (!isPhaseError(err)) {
        throw new Error(`seed ${seed} round ${i} (${m.label}): non-PhaseError ${err}`, {
          cause: err,
        });
      }
      codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
    }
  }
  const ms = performance.now() - started;
  console.log(
    `${ROUNDS} mutations in ${ms.toFixed(0)} ms; accepted ${accepted};`,
    Object.fromEntries(codes),
  );
  assertLess(ms, 30_000, "fuzz run too slow");
});
