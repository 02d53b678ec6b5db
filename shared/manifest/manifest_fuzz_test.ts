import { isPhaseError } from "../errors.ts";
import { canonicalize } from "../encoding/mod.ts";
import { decodeKeyFile } from "../crypto/mod.ts";
import { assert, assertLess } from "../testing/mod.ts";
import { fuzzSeed, mutate, Rng } from "../testdata/fuzz.ts";
import { buildManifest, parseManifest, validateManifest } from "./mod.ts";

const ROUNDS = 10_000;

Deno.test(`manifest fuzz: ${ROUNDS} random mutations are accepted-and-valid or typed rejections`, async () => {
  const seed = fuzzSeed(Deno.env.get("PHASE_FUZZ_SEED"));
  console.log(`seed ${seed} (rerun with PHASE_FUZZ_SEED=${seed})`);
  const rng = new Rng(seed);
  const key = decodeKeyFile(
    await Deno.readTextFile(new URL("../testdata/golden_submitter_key.json", import.meta.url)),
  );
  const base = buildManifest({
    module: { sha256: "ab".repeat(32), size: 1000, url: "https://example.org/m.wasm" },
    args: ["prog", "x"],
    env: { A: "1" },
    stdin: { sha256: "cd".repeat(32), size: 3 },
    files: { "/in/a.txt": { sha256: "ef".repeat(32), size: 9 } },
    outputs: ["/out/b.txt"],
    limits: { memoryMb: 32, timeoutMs: 1000, maxOutputBytes: 4096, fuel: 99 },
  }, key);
  const expected = canonicalize(base);
  const started = performance.now();
  const codes = new Map<string, number>();
  let accepted = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const m = mutate(base, rng);
    try {
      const result = m.text !== undefined ? parseManifest(m.text) : validateManifest(m.value);
      // Anything accepted must be the signed manifest itself.
      assert(
        canonicalize(result) === expected,
        `round ${i} (${m.label}) accepted a changed manifest`,
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
