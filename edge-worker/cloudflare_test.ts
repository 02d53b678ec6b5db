// The Cloudflare entry under workerd (Cloudflare's runtime, from npm through
// miniflare), built by esbuild exactly as wrangler.toml deploys it.

import { assert, assertEquals } from "../shared/testing/mod.ts";
import { runJob } from "../shared/executor/mod.ts";
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

const opts = { sanitizeOps: false, sanitizeResources: false };

async function startWorkerd(code: string, bindings: Record<string, string>) {
  const { Miniflare } = await import("miniflare");
  const mf = new Miniflare({
    modules: true,
    script: code,
    compatibilityDate: "2024-09-23",
    host: "127.0.0.1",
    port: 0,
    bindings,
  });
  const url = String(await mf.ready).replace(/\/$/, "");
  return { mf, url };
}

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

Deno.test("cloudflare entry without PHASE_NODE_KEY: 500 no_key everywhere", opts, async () => {
  const { code } = await buildCloudflareWorker();
  const { mf, url } = await startWorkerd(code, { PHASE_OPEN: "true" });
  try {
    await assertNoKey(url);
  } finally {
    await mf.dispose();
  }
});
