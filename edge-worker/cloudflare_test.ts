// The Cloudflare entry under workerd (Cloudflare's runtime, from npm through
// miniflare), built by esbuild exactly as wrangler.toml deploys it.

import { assert, assertEquals } from "../shared/testing/mod.ts";
import { runJob } from "../shared/executor/mod.ts";
import { encodeKeyFile, generateKeyPair, peerIdFromPublicKey } from "../shared/crypto/mod.ts";
import { type EdgeExecutorRecord, verifyExecutorRecord } from "../shared/edge/mod.ts";
import { buildCloudflareWorker } from "./build.ts";
import {
  assertNoKey,
  edgeEnv,
  edgeKeys,
  manifestFor,
  runEdgeCases,
  runVerified,
  wasm,
} from "./testdata/cases.ts";
import { startWorkerd } from "./testdata/workerd.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "cloudflare entry under workerd: API, admission, limits, interpreter",
  opts,
  async (t) => {
    const { code, bytes } = await buildCloudflareWorker();
    assert(bytes < 1024 * 1024, `bundle is ${bytes} bytes`);
    const keys = edgeKeys();
    const { mf, url } = await startWorkerd(code, edgeEnv(keys, { PHASE_MAX_FUEL: "50000000" }));
    try {
      await runEdgeCases(t, { url, runtime: "cloudflare", engine: "interp", codegen: false }, keys);

      await t.step("fuel and output in workerd equal the interpreter's in Deno", async () => {
        for (
          const [name, args] of [["sha256.wasm", ["0"]], ["sha256.wasm", ["1"]], ["hello.wasm", [
            "a",
            "b",
          ]]] as const
        ) {
          const module = await wasm(name);
          const limits = { memoryMb: 64, fuel: 45_000_000 };
          const manifest = manifestFor(module, keys.submitter, { args: [...args], limits });
          const edge = await runVerified(url, manifest, module);
          const local = await runJob(module, { args: [...args], limits }, {
            engine: "interp",
          });
          assertEquals(edge.status, local.status, name);
          assertEquals(edge.stdout, local.stdout, name);
          assertEquals((edge.receipt as { fuelUsed: number }).fuelUsed, local.fuelUsed, name);
        }
      });
    } finally {
      await mf.dispose();
    }
  },
);

// Plain JS so nothing in our code is involved: what workerd itself allows.
const PROBE = `export default {
  async fetch(req) {
    const bytes = new Uint8Array(await req.arrayBuffer());
    const r = {};
    const probe = async (name, fn) => {
      try { await fn(); r[name] = "allowed"; } catch (e) { r[name] = String(e); }
    };
    await probe("compile", () => WebAssembly.compile(bytes));
    await probe("instantiate", () => WebAssembly.instantiate(bytes, {}));
    await probe("module", () => new WebAssembly.Module(bytes));
    await probe("newFunction", () => new Function("return 1")());
    await probe("eval", () => eval("1 + 1"));
    return Response.json(r);
  },
};`;

Deno.test(
  "workerd refuses WebAssembly.compile of received bytes, eval and new Function",
  opts,
  async () => {
    const { Miniflare } = await import("miniflare");
    const mf = new Miniflare({ modules: true, script: PROBE, compatibilityDate: "2024-09-23" });
    try {
      const loop = await wasm("loop.wasm");
      const res = await mf.dispatchFetch("http://x/", { method: "POST", body: loop });
      const got = await res.json() as Record<string, string>;
      for (const [name, outcome] of Object.entries(got)) {
        assert(outcome !== "allowed", `${name} must be refused in workerd`);
        assert(/disallowed|not allowed|code generation/i.test(outcome), `${name}: ${outcome}`);
      }
      assertEquals(Object.keys(got).length, 5);
    } finally {
      await mf.dispose();
    }
  },
);

Deno.test("cloudflare cron trigger posts a signed record to every relay", opts, async () => {
  const got: EdgeExecutorRecord[] = [];
  const relays = [0, 1].map(() =>
    Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
      if (req.method !== "POST" || new URL(req.url).pathname !== "/v1/executors") {
        return new Response("no", { status: 404 });
      }
      got.push(verifyExecutorRecord(await req.json()));
      return Response.json({ ok: true });
    })
  );
  const key = generateKeyPair();
  const { code } = await buildCloudflareWorker();
  const { mf } = await startWorkerd(code, {
    PHASE_NODE_KEY: encodeKeyFile(key),
    PHASE_RELAYS: relays.map((r) => `http://127.0.0.1:${r.addr.port}/`).join(","),
    PHASE_PUBLIC_URL: "https://phase-edge.example.workers.dev",
    PHASE_RECORD_TTL_MS: "300000",
  });
  try {
    // miniflare's Fetcher types are loose here; scheduled() dispatches the cron event.
    const worker = await mf.getWorker() as unknown as {
      scheduled(o: { cron: string }): Promise<unknown>;
    };
    await worker.scheduled({ cron: "*/5 * * * *" });
    assertEquals(got.length, 2);
    for (const record of got) {
      assertEquals(record.url, "https://phase-edge.example.workers.dev");
      assertEquals(record.executorPeerId, peerIdFromPublicKey(key.publicKey));
      assertEquals([record.runtime, record.engine], ["cloudflare", "interp"]);
      assertEquals(record.expiresAt - record.issuedAt, 300_000);
    }
  } finally {
    await mf.dispose();
    await Promise.all(relays.map((r) => r.shutdown()));
  }
});

Deno.test("cloudflare entry without PHASE_NODE_KEY: 500 no_key everywhere", opts, async () => {
  const { code } = await buildCloudflareWorker();
  const { mf, url } = await startWorkerd(code, { PHASE_OPEN: "true" });
  try {
    await assertNoKey(url);
  } finally {
    await mf.dispose();
  }
});
