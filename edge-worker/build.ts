/**
 * Bundles the Cloudflare entry with esbuild (npm) into one ES module with
 * everything inlined, the interpreter included. `deno run -A
 * edge-worker/build.ts` writes `edge-worker/dist/worker.js`, which
 * wrangler.toml deploys.
 *
 * Bare imports resolve through `node_modules/` (deno.json sets
 * `nodeModulesDir: "auto"`; run `deno install` first on a fresh checkout).
 *
 * @module
 */

/** Options of {@linkcode buildCloudflareWorker}. */
export interface BuildOptions {
  /** Output file; omitted: nothing is written. */
  outfile?: string;
  /** Minify (default true). */
  minify?: boolean;
}

/** The bundle's text and size. */
export interface BuildResult {
  code: string;
  bytes: number;
}

/** Bundles edge-worker/cloudflare.ts. */
export async function buildCloudflareWorker(options: BuildOptions = {}): Promise<BuildResult> {
  const esbuild = await import("esbuild");
  try {
    const out = await esbuild.build({
      entryPoints: [new URL("cloudflare.ts", import.meta.url).pathname],
      absWorkingDir: new URL("..", import.meta.url).pathname,
      bundle: true,
      format: "esm",
      platform: "browser",
      conditions: ["workerd", "worker", "browser"],
      target: "es2022",
      minify: options.minify ?? true,
      write: false,
      logLevel: "silent",
    });
    const code = out.outputFiles[0].text;
    if (options.outfile) {
      await Deno.mkdir(new URL(".", `file://${options.outfile}`).pathname, { recursive: true });
      await Deno.writeTextFile(options.outfile, code);
    }
    return { code, bytes: new TextEncoder().encode(code).length };
  } finally {
    await esbuild.stop();
  }
}

if (import.meta.main) {
  const outfile = new URL("dist/worker.js", import.meta.url).pathname;
  const { bytes } = await buildCloudflareWorker({ outfile });
  console.log(`wrote ${outfile} (${(bytes / 1024).toFixed(0)} KiB)`);
}
