// The cases both edge entries must pass (cloudflare_test.ts under workerd,
// deno_deploy_test.ts under `deno serve`), against a real HTTP server.

import { assert, assertEquals, assertMatch } from "../../shared/testing/mod.ts";
import {
  encodeKeyFile,
  generateKeyPair,
  type KeyPair,
  peerIdFromPublicKey,
  sha256Hex,
} from "../../shared/crypto/mod.ts";
import { toBase64Url } from "../../shared/encoding/mod.ts";
import { buildManifest, type JobLimits, type JobManifest } from "../../shared/manifest/mod.ts";
import { verifyReceipt } from "../../shared/receipt/mod.ts";
import {
  EdgeError,
  type EdgeInfo,
  type EdgeResult,
  encodeEdgeJob,
  executeOnEdge,
  fetchEdgeInfo,
  FRAME_CONTENT_TYPE,
} from "../../shared/edge/mod.ts";

const TESTDATA = new URL("../../tests/testdata/", import.meta.url);

/** Reads a test module. */
export function wasm(name: string): Promise<Uint8Array> {
  return Deno.readFile(new URL(name, TESTDATA));
}

/** Keys of one test run. */
export interface EdgeKeys {
  executor: KeyPair;
  submitter: KeyPair;
  /** Allowed, used only by the rate-limit case. */
  burst: KeyPair;
  /** Not allowed. */
  stranger: KeyPair;
}

/** Fresh keys. */
export function edgeKeys(): EdgeKeys {
  return {
    executor: generateKeyPair(),
    submitter: generateKeyPair(),
    burst: generateKeyPair(),
    stranger: generateKeyPair(),
  };
}

/** Largest body in the tests' configuration. */
export const BODY_LIMIT = 2 * 1024 * 1024;
/** Jobs per minute per submitter in the tests' configuration. */
export const RATE = 20;

/** The worker environment of the tests (allow-list with a peer id and a raw key). */
export function edgeEnv(
  keys: EdgeKeys,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PHASE_NODE_KEY: encodeKeyFile(keys.executor),
    PHASE_ALLOWED_SUBMITTERS: `${toBase64Url(keys.submitter.publicKey)}, ${
      peerIdFromPublicKey(keys.burst.publicKey)
    }`,
    PHASE_RATE_LIMIT: String(RATE),
    PHASE_MAX_BODY_BYTES: String(BODY_LIMIT),
    PHASE_MAX_MEMORY_MB: "64",
    ...extra,
  };
}

/** Builds a signed manifest for `module`. */
export function manifestFor(
  module: Uint8Array,
  key: KeyPair,
  options: { args?: string[]; limits?: Partial<JobLimits>; stdin?: Uint8Array; url?: string } = {},
): JobManifest {
  return buildManifest({
    module: {
      sha256: sha256Hex(module),
      size: module.length,
      ...(options.url ? { url: options.url } : {}),
    },
    args: options.args ?? [],
    stdin: options.stdin ? { sha256: sha256Hex(options.stdin), size: options.stdin.length } : null,
    limits: { memoryMb: 64, ...options.limits },
  }, key);
}

/** Runs a job and verifies its receipt against manifest and output. */
export async function runVerified(
  url: string,
  manifest: JobManifest,
  module: Uint8Array,
  stdin?: Uint8Array,
): Promise<EdgeResult> {
  const result = await executeOnEdge(url, { manifest, module, stdin });
  verifyReceipt(result.receipt, { manifest, output: result });
  return result;
}

async function edgeError(p: Promise<unknown>): Promise<EdgeError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof EdgeError) return err;
    throw err;
  }
  throw new Error("expected an edge error");
}

/** What the entry under test is. */
export interface Target {
  url: string;
  runtime: "cloudflare" | "deno-deploy";
  engine: "interp" | "v8";
  /** Whether the host lets code compile WebAssembly from bytes. */
  codegen: boolean;
}

/** Runs every shared case as steps of `t`. */
export async function runEdgeCases(t: Deno.TestContext, target: Target, keys: EdgeKeys) {
  const { url } = target;
  const hello = await wasm("hello.wasm");
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  await t.step("/health and /v1/info", async () => {
    const health = await fetch(`${url}/health`);
    assertEquals(await health.json(), { ok: true });
    assertEquals(health.headers.get("access-control-allow-origin"), "*");
    const preflight = await fetch(`${url}/v1/execute`, { method: "OPTIONS" });
    await preflight.body?.cancel();
    assertEquals(preflight.status, 204);
    assertMatch(preflight.headers.get("access-control-allow-methods") ?? "", /POST/);
    const info: EdgeInfo = await fetchEdgeInfo(url);
    assertEquals(info.runtime, target.runtime);
    assertEquals(info.engine, target.engine);
    assertEquals(info.executor, toBase64Url(keys.executor.publicKey));
    assertEquals(info.executorPeerId, peerIdFromPublicKey(keys.executor.publicKey));
    assertEquals(info.limits.memoryMb, 64);
    assertEquals(info.limits.bodyBytes, BODY_LIMIT);
    assertEquals(info.open, false);
    assertEquals(info.codegen, target.codegen, "whether WebAssembly.compile of bytes works");
  });

  await t.step("hello: stdout, stdin, receipt verifies in Deno", async () => {
    const stdin = enc.encode("from stdin\n");
    const manifest = manifestFor(hello, keys.submitter, { args: ["x y", "--stdin"], stdin });
    const r = await runVerified(url, manifest, hello, stdin);
    assertEquals(r.status, "ok");
    assertEquals(r.exitCode, 0);
    const out = dec.decode(r.stdout);
    assertMatch(out, /hello from wasm/);
    assertMatch(out, /arg\[1\]=x y/);
    assertMatch(out, /from stdin\nstdin bytes: 11/);
    const receipt = r.receipt as { runtime: unknown; executorPeerId: string; fuelUsed?: number };
    assertEquals(receipt.runtime, { kind: target.runtime, engine: target.engine });
    assertEquals(receipt.executorPeerId, peerIdFromPublicKey(keys.executor.publicKey));
    assertEquals(typeof receipt.fuelUsed === "number", target.engine === "interp");
    // The module is cached now: a job without the module part runs too.
    const again = manifestFor(hello, keys.submitter, { args: ["cached"] });
    const cached = await executeOnEdge(url, { manifest: again });
    verifyReceipt(cached.receipt, { manifest: again, output: cached });
    assertMatch(dec.decode(cached.stdout), /arg\[1\]=cached/);
  });

  await t.step("module fetched from manifest.module.url when not sent", async () => {
    const sha = await wasm("sha256.wasm");
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () => new Response(sha as Uint8Array<ArrayBuffer>),
    );
    try {
      const moduleUrl = `http://127.0.0.1:${server.addr.port}/sha256.wasm`;
      const m = manifestFor(sha, keys.submitter, { args: ["0"], url: moduleUrl });
      const r = await executeOnEdge(url, { manifest: m });
      verifyReceipt(r.receipt, { manifest: m, output: r });
      assertEquals(r.status, "ok");
      assertMatch(
        dec.decode(r.stdout),
        /e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855/,
      );
    } finally {
      await server.shutdown();
    }
  });

  await t.step("an infinite loop ends with fuel_exhausted or timeout", async () => {
    const loop = await wasm("loop.wasm");
    const started = performance.now();
    if (target.engine === "interp") {
      const m = manifestFor(loop, keys.submitter, { limits: { fuel: 5_000_000 } });
      const r = await runVerified(url, m, loop);
      assertEquals(r.status, "fuel_exhausted");
      assertEquals((r.receipt as { fuelUsed: number }).fuelUsed, 5_000_000);
      // No fuel in the manifest: the worker's own budget (PHASE_MAX_FUEL) stops it.
      const m2 = manifestFor(loop, keys.submitter);
      const r2 = await runVerified(url, m2, loop);
      assertEquals(r2.status, "fuel_exhausted");
    } else {
      const m = manifestFor(loop, keys.submitter, { limits: { timeoutMs: 300 } });
      const r = await runVerified(url, m, loop);
      assertEquals(r.status, "timeout");
      assert(performance.now() - started < 3000, "stopped soon after the limit");
    }
    // The worker still serves.
    const ok = await runVerified(url, manifestFor(hello, keys.submitter), hello);
    assertEquals(ok.status, "ok");
  });

  await t.step("a guest that sleeps (poll_oneoff) returns; no spin on a frozen clock", async () => {
    const sleep = await Deno.readFile(new URL("sleep.wasm", import.meta.url));
    const m = manifestFor(sleep, keys.submitter, { limits: { timeoutMs: 5000 } });
    const r = await executeOnEdge(url, { manifest: m, module: sleep }, {
      signal: AbortSignal.timeout(10_000),
    });
    verifyReceipt(r.receipt, { manifest: m, output: r });
    assertEquals([r.status, r.exitCode], ["exit", 7]);
  });

  await t.step("bad signature -> 401", async () => {
    const m = manifestFor(hello, keys.submitter);
    const sig = m.signature;
    const forged = { ...m, signature: (sig[0] === "A" ? "B" : "A") + sig.slice(1) };
    const err = await edgeError(executeOnEdge(url, { manifest: forged, module: hello }));
    assertEquals([err.status, err.code], [401, "manifest_bad_signature"]);
  });

  await t.step("unlisted submitter -> 403", async () => {
    const m = manifestFor(hello, keys.stranger);
    const err = await edgeError(executeOnEdge(url, { manifest: m, module: hello }));
    assertEquals([err.status, err.code], [403, "submitter_not_allowed"]);
  });

  await t.step("oversized body -> 413", async () => {
    const big = new Uint8Array(BODY_LIMIT + 1024);
    const m = manifestFor(hello, keys.submitter, { stdin: big });
    const err = await edgeError(executeOnEdge(url, { manifest: m, module: hello, stdin: big }));
    assertEquals([err.status, err.code], [413, "body_too_large"]);
    assertEquals(err.detail.limit, "bodyBytes");
  });

  await t.step("invalid module -> 422; garbage body -> 400", async () => {
    const junk = enc.encode("\0asm but not really a module");
    const err = await edgeError(runVerified(url, manifestFor(junk, keys.submitter), junk));
    assertEquals([err.status, err.code], [422, "invalid_module"]);
    const res = await fetch(`${url}/v1/execute`, {
      method: "POST",
      headers: { "content-type": FRAME_CONTENT_TYPE },
      body: "not a frame",
    });
    assertEquals(res.status, 400);
    assertEquals((await res.json()).error.code, "frame_invalid");
  });

  await t.step("limits above the worker's -> 422 naming the limit", async () => {
    const m = manifestFor(hello, keys.submitter, { limits: { memoryMb: 65 } });
    const err = await edgeError(executeOnEdge(url, { manifest: m, module: hello }));
    assertEquals([err.status, err.code], [422, "limit_exceeded"]);
    assertEquals(err.detail, { limit: "memoryMb", max: 64, requested: 65 });
    const m2 = manifestFor(hello, keys.submitter, { limits: { timeoutMs: 10 * 60_000 } });
    const err2 = await edgeError(executeOnEdge(url, { manifest: m2, module: hello }));
    assertEquals(err2.detail.limit, "timeoutMs");
  });

  await t.step("module that is not the manifest's -> 400", async () => {
    const m = manifestFor(hello, keys.submitter);
    const body = encodeEdgeJob({ manifest: m, module: await wasm("loop.wasm") });
    const res = await fetch(`${url}/v1/execute`, {
      method: "POST",
      body: body as Uint8Array<ArrayBuffer>,
    });
    assertEquals(res.status, 400);
    assertEquals((await res.json()).error.code, "module_hash_mismatch");
  });

  await t.step("rate limit per submitter -> 429", async () => {
    // Over-limit jobs are refused after the rate check, so they cost no run.
    const m = manifestFor(hello, keys.burst, { limits: { memoryMb: 4096 } });
    const codes: number[] = [];
    for (let i = 0; i <= RATE; i++) {
      codes.push((await edgeError(executeOnEdge(url, { manifest: m, module: hello }))).status);
    }
    assertEquals(codes.slice(0, RATE), Array(RATE).fill(422));
    assertEquals(codes[RATE], 429);
    // Other submitters are unaffected.
    const ok = await runVerified(url, manifestFor(hello, keys.submitter), hello);
    assertEquals(ok.status, "ok");
  });
}

/** Checks that a worker without PHASE_NODE_KEY answers 500 `no_key` on every route. */
export async function assertNoKey(url: string) {
  for (const path of ["/health", "/v1/info", "/v1/execute"]) {
    const res = await fetch(`${url}${path}`, { method: path === "/v1/execute" ? "POST" : "GET" });
    assertEquals(res.status, 500, path);
    const body = await res.json();
    assertEquals(body.error.code, "no_key");
    assertMatch(body.error.message, /PHASE_NODE_KEY/);
  }
}
