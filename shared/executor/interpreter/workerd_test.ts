// The interpreter inside workerd (Cloudflare's runtime, via miniflare), where
// compiling WebAssembly from bytes is disallowed: same stdout and the same
// fuel count as in Deno.
import { assertEquals } from "../../testing/mod.ts";
import { runJob } from "../mod.ts";

const ROOT = new URL("../../../", import.meta.url);

Deno.test({
  name: "workerd: interpreter runs jobs where code generation is banned; fuel equals Deno's",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const esbuild = await import("esbuild");
    const { Miniflare } = await import("miniflare");
    const out = await esbuild.build({
      entryPoints: [new URL("testdata/worker_entry.ts", import.meta.url).pathname],
      bundle: true,
      format: "esm",
      write: false,
      platform: "browser",
      target: "es2022",
    });
    await esbuild.stop();
    const mf = new Miniflare({
      modules: true,
      script: out.outputFiles[0].text,
      compatibilityDate: "2024-09-23",
    });
    try {
      const cases: [string, string[], number?][] = [
        ["sha256.wasm", ["1"]],
        ["hello.wasm", ["a", "b"]],
        ["sha256.wasm", ["1"], 5_000_000],
      ];
      for (const [name, args, fuel] of cases) {
        const wasm = await Deno.readFile(new URL(`tests/testdata/${name}`, ROOT));
        const q = `args=${args.join(",")}` + (fuel ? `&fuel=${fuel}` : "");
        const res = await mf.dispatchFetch(`http://localhost/?${q}`, {
          method: "POST",
          body: wasm,
        });
        const got = await res.json() as {
          canCompile: boolean;
          status: string;
          stdout: string;
          fuelUsed: number;
        };
        assertEquals(got.canCompile, false, "workerd must refuse WebAssembly.compile of bytes");
        const local = await runJob(wasm, {
          args,
          clock: "deterministic",
          randomSeed: new Uint8Array(32),
          limits: fuel ? { fuel } : {},
        }, { engine: "interp" });
        assertEquals(got.status, local.status, `${name}: status`);
        assertEquals(got.stdout, new TextDecoder().decode(local.stdout), `${name}: stdout`);
        assertEquals(got.fuelUsed, local.fuelUsed, `${name}: fuel identical in workerd and Deno`);
      }
    } finally {
      await mf.dispose();
    }
  },
});
