import { isPhaseError } from "../errors.ts";
import { canonicalize } from "../encoding/mod.ts";
import { generateKeyPair, sha256Hex } from "../crypto/mod.ts";
import { assert, assertEquals, assertThrows } from "../testing/mod.ts";
import {
  buildManifest,
  computeJobId,
  inputSha256,
  type JobManifest,
  parseManifest,
  validateManifest,
  validateManifestAsync,
  verifyManifest,
} from "./mod.ts";

const keyPair = generateKeyPair();
const HASH = "ab".repeat(32);

function sample(): JobManifest {
  return buildManifest(
    {
      module: { sha256: HASH, size: 1234, url: "https://relay.example/v1/modules/" + HASH },
      args: ["prog", "--n", "3"],
      env: { LANG: "C", EMPTY: "" },
      stdin: { sha256: "cd".repeat(32), size: 5 },
      files: { "/data/in.txt": { sha256: "ef".repeat(32), size: 10 } },
      outputs: ["/out/result.txt"],
      limits: { memoryMb: 64, timeoutMs: 5000, maxOutputBytes: 1 << 20, fuel: 1_000_000 },
      redundancy: 2,
    },
    keyPair,
    { now: 1_700_000_000_000 },
  );
}

function expectCode(fn: () => unknown, code: string, what = ""): void {
  const err = assertThrows(fn);
  assert(isPhaseError(err, code), `${what}: expected ${code}, got ${err}`);
}

Deno.test("manifest: build fills defaults, id and signature verify", async () => {
  const m = buildManifest({ module: { sha256: HASH, size: 100 } }, keyPair, { now: 1000 });
  assertEquals(m.entry, "_start");
  assertEquals(m.args, []);
  assertEquals(m.env, {});
  assertEquals(m.stdin, null);
  assertEquals(m.files, {});
  assertEquals(m.outputs, []);
  assertEquals(m.limits, { memoryMb: 256, timeoutMs: 30_000, maxOutputBytes: 16 * 1024 * 1024 });
  assertEquals(m.redundancy, 1);
  assertEquals(m.deadline, 1000 + 600_000);
  assertEquals(m.nonce.length, 32);
  assert(!("url" in m.module) && !("fuel" in m.limits));
  assertEquals(validateManifest(m), m);
  assertEquals(await validateManifestAsync(m), m);
  verifyManifest(m);
  // id is the hash of the canonical manifest without id and signature.
  const { id: _i, signature: _s, ...rest } = m;
  assertEquals(m.id, sha256Hex(new TextEncoder().encode(canonicalize(rest))));
  assertEquals(computeJobId(m), m.id);
  // A JSON round trip (any key order, whitespace) still validates.
  assertEquals(parseManifest(JSON.stringify(m, null, 2)), m);
});

Deno.test("manifest: inputSha256 covers entry, args, env, stdin, files only", () => {
  const m = sample();
  const expected = sha256Hex(new TextEncoder().encode(canonicalize({
    entry: m.entry,
    args: m.args,
    env: m.env,
    stdin: m.stdin,
    files: m.files,
  })));
  assertEquals(inputSha256(m), expected);
  const changed: JobManifest = { ...m, redundancy: 3, nonce: "00".repeat(16) };
  assertEquals(inputSha256(changed), expected);
  assert(inputSha256({ ...m, args: ["prog"] }) !== expected);
});

Deno.test("manifest: tampering is detected (id, signature)", () => {
  const m = sample();
  expectCode(() => validateManifest({ ...m, redundancy: 3 }), "manifest_id_mismatch");
  expectCode(() => validateManifest({ ...m, args: ["x"] }), "manifest_id_mismatch");
  const other = buildManifest({ module: m.module }, generateKeyPair());
  expectCode(
    () => validateManifest({ ...m, signature: other.signature }),
    "manifest_bad_signature",
  );
  // Re-signing with another key but keeping the submitter fails.
  const forged = buildManifest({ ...m, limits: m.limits }, generateKeyPair());
  expectCode(
    () => validateManifest({ ...forged, submitter: m.submitter }),
    "manifest_id_mismatch",
  );
  const s = m.signature;
  const flipped = s.slice(0, 10) + (s[10] === "A" ? "B" : "A") + s.slice(11);
  expectCode(() => validateManifest({ ...m, signature: flipped }), "manifest_bad_signature");
});

Deno.test("manifest: every field is checked", () => {
  const m = sample();
  const cases: [string, (x: Record<string, unknown>) => void, string][] = [
    ["extra top field", (x) => x.extra = 1, "manifest_unknown_field"],
    ["missing nonce", (x) => delete x.nonce, "manifest_missing_field"],
    ["version 2", (x) => x.version = 2, "manifest_invalid_field"],
    ["id upper", (x) => x.id = (x.id as string).toUpperCase(), "manifest_invalid_field"],
    ["id short", (x) => x.id = "ab", "manifest_invalid_field"],
    ["module extra", (x) => (x.module as Record<string, unknown>).x = 1, "manifest_unknown_field"],
    [
      "module size float",
      (x) => (x.module as { size: number }).size = 1.5,
      "manifest_invalid_field",
    ],
    [
      "module too big",
      (x) => (x.module as { size: number }).size = 2 ** 40,
      "manifest_limit_exceeded",
    ],
    [
      "module url ftp",
      (x) => (x.module as { url: string }).url = "ftp://x/y",
      "manifest_invalid_field",
    ],
    [
      "module url junk",
      (x) => (x.module as { url: string }).url = "not a url",
      "manifest_invalid_field",
    ],
    ["entry empty", (x) => x.entry = "", "manifest_invalid_field"],
    ["args not array", (x) => x.args = "a", "manifest_invalid_field"],
    ["args number", (x) => x.args = [1], "manifest_invalid_field"],
    ["args NUL", (x) => x.args = ["a\0b"], "manifest_invalid_field"],
    ["args lone surrogate", (x) => x.args = ["\ud800"], "manifest_invalid_field"],
    ["args huge", (x) => x.args = ["x".repeat(1 << 20)], "manifest_limit_exceeded"],
    ["env array", (x) => x.env = [], "manifest_invalid_field"],
    ["env value number", (x) => x.env = { A: 1 }, "manifest_invalid_field"],
    ["env name =", (x) => x.env = { "A=B": "c" }, "manifest_invalid_field"],
    ["env name empty", (x) => x.env = { "": "c" }, "manifest_invalid_field"],
    ["stdin missing size", (x) => x.stdin = { sha256: HASH }, "manifest_missing_field"],
    ["stdin negative", (x) => x.stdin = { sha256: HASH, size: -1 }, "manifest_invalid_field"],
    ["stdin string", (x) => x.stdin = "", "manifest_invalid_field"],
    [
      "file relative",
      (x) => x.files = { "a.txt": { sha256: HASH, size: 1 } },
      "manifest_invalid_field",
    ],
    [
      "file dotdot",
      (x) => x.files = { "/a/../b": { sha256: HASH, size: 1 } },
      "manifest_invalid_field",
    ],
    [
      "file dot",
      (x) => x.files = { "/a/./b": { sha256: HASH, size: 1 } },
      "manifest_invalid_field",
    ],
    ["file //", (x) => x.files = { "/a//b": { sha256: HASH, size: 1 } }, "manifest_invalid_field"],
    [
      "file trailing /",
      (x) => x.files = { "/a/": { sha256: HASH, size: 1 } },
      "manifest_invalid_field",
    ],
    ["file root", (x) => x.files = { "/": { sha256: HASH, size: 1 } }, "manifest_invalid_field"],
    ["file NUL", (x) => x.files = { "/a\0": { sha256: HASH, size: 1 } }, "manifest_invalid_field"],
    [
      "file bad hash",
      (x) => x.files = { "/a": { sha256: "zz", size: 1 } },
      "manifest_invalid_field",
    ],
    ["outputs dup", (x) => x.outputs = ["/a", "/a"], "manifest_invalid_field"],
    ["outputs relative", (x) => x.outputs = ["out"], "manifest_invalid_field"],
    ["limits missing", (x) => x.limits = { memoryMb: 1, timeoutMs: 1 }, "manifest_missing_field"],
    ["memory 0", (x) => (x.limits as { memoryMb: number }).memoryMb = 0, "manifest_invalid_field"],
    [
      "memory max",
      (x) => (x.limits as { memoryMb: number }).memoryMb = 5000,
      "manifest_limit_exceeded",
    ],
    [
      "timeout max",
      (x) => (x.limits as { timeoutMs: number }).timeoutMs = 1e10,
      "manifest_limit_exceeded",
    ],
    ["fuel 0", (x) => (x.limits as { fuel: number }).fuel = 0, "manifest_invalid_field"],
    ["fuel string", (x) => (x.limits as { fuel: unknown }).fuel = "1", "manifest_invalid_field"],
    ["redundancy 0", (x) => x.redundancy = 0, "manifest_invalid_field"],
    ["redundancy 17", (x) => x.redundancy = 17, "manifest_limit_exceeded"],
    ["deadline float", (x) => x.deadline = 1.5, "manifest_invalid_field"],
    ["deadline NaN", (x) => x.deadline = NaN, "manifest_invalid_field"],
    ["nonce short", (x) => x.nonce = "abcd", "manifest_invalid_field"],
    ["nonce odd", (x) => x.nonce = "a".repeat(17), "manifest_invalid_field"],
    [
      "submitter padded",
      (x) => x.submitter = (x.submitter as string) + "=",
      "manifest_invalid_field",
    ],
    ["signature short", (x) => x.signature = "AAAA", "manifest_invalid_field"],
    ["root array", (x) => Object.setPrototypeOf(x, Array.prototype), "manifest_invalid_field"],
  ];
  for (const [name, mutate, code] of cases) {
    const copy = structuredClone(m) as unknown as Record<string, unknown>;
    mutate(copy);
    expectCode(() => validateManifest(copy), code, name);
  }
  expectCode(() => validateManifest(null), "manifest_invalid_field");
  expectCode(() => validateManifest("{}"), "manifest_invalid_field");
  expectCode(() => parseManifest("{"), "manifest_invalid_json");
});

Deno.test("manifest: maxima are configurable", () => {
  const m = sample();
  expectCode(
    () => validateManifest(m, { maxima: { memoryMb: 32 } }),
    "manifest_limit_exceeded",
  );
  expectCode(() => validateManifest(m, { maxima: { redundancy: 1 } }), "manifest_limit_exceeded");
  expectCode(() => validateManifest(m, { maxima: { args: 2 } }), "manifest_limit_exceeded");
  expectCode(() => validateManifest(m, { maxima: { fuel: 10 } }), "manifest_limit_exceeded");
  const big = buildManifest(
    { module: m.module, limits: { memoryMb: 8192 } },
    keyPair,
    { maxima: { memoryMb: 8192 } },
  );
  assertEquals(big.limits.memoryMb, 8192);
  expectCode(() => validateManifest(big), "manifest_limit_exceeded");
  // The builder refuses to produce what validation would reject.
  expectCode(
    () => buildManifest({ module: m.module, args: ["a\0"] }, keyPair),
    "manifest_invalid_field",
  );
});
