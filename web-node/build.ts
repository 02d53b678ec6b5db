/**
 * Builds the web node (`deno task build:web`): bundles the page, its job
 * Worker and its service worker with esbuild, resolving imports exactly as
 * Deno does (deno.json), and writes them with the static files to
 * `web-node/dist/`, which the relay serves at `/`.
 *
 * @module
 */

import * as esbuild from "esbuild";
import { denoResolvePlugin } from "./_esbuild_deno.ts";
import { ed25519OnlyKeysPlugin } from "./_esbuild_keys.ts";
import { sha256Hex } from "../shared/crypto/mod.ts";

/** One output file and its sizes. */
export interface BuiltFile {
  /** Path relative to the output directory. */
  path: string;
  /** Size in bytes. */
  bytes: number;
  /** Gzip size in bytes. */
  gzipBytes: number;
}

/** Options of {@linkcode buildWebNode}. */
export interface BuildWebNodeOptions {
  /** Output directory. Default `web-node/dist`. */
  outDir?: string;
  /** Minify (default true). */
  minify?: boolean;
}

const here = new URL(".", import.meta.url).pathname;
const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/**
 * esbuild options every browser bundle of the web node shares: Deno's module
 * resolution, Ed25519-only libp2p keys, browser targets (tests bundle with the
 * same options).
 */
export function browserBuildOptions(options: { minify?: boolean } = {}): esbuild.BuildOptions {
  return {
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["chrome120", "firefox120", "safari17"],
    minify: options.minify ?? true,
    legalComments: "none",
    plugins: [ed25519OnlyKeysPlugin(), denoResolvePlugin({ root })],
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
    conditions: ["browser", "import", "module", "default"],
    mainFields: ["browser", "module", "main"],
    write: false,
    logLevel: "error",
  };
}

/** Builds the web node into `outDir`; returns the files written with their sizes. */
export async function buildWebNode(options: BuildWebNodeOptions = {}): Promise<BuiltFile[]> {
  const outDir = options.outDir ?? `${here}dist`;
  await Deno.mkdir(outDir, { recursive: true });
  const common = browserBuildOptions({ minify: options.minify });
  // The page and its job Worker in one pass over the module graph.
  const pages = await esbuild.build({
    ...common,
    entryPoints: { app: `${here}src/app.ts`, job_worker: `${here}src/job_worker.ts` },
    outdir: "/",
  });
  const written = new Map<string, Uint8Array>();
  for (const file of pages.outputFiles!) {
    written.set(file.path.slice(file.path.lastIndexOf("/") + 1), file.contents);
  }
  for await (const file of Deno.readDir(`${here}static`)) {
    if (file.isFile) written.set(file.name, await Deno.readFile(`${here}static/${file.name}`));
  }
  // The service worker precaches the app shell (everything built so far) by
  // content hash, so a new build replaces exactly the files that changed.
  const precache = [...written.keys()].sort().map((path) => ({
    url: path === "index.html" ? "/" : `/${path}`,
    revision: sha256Hex(written.get(path)!).slice(0, 16),
  }));
  const sw = await esbuild.build({
    ...common,
    format: "iife",
    entryPoints: [`${here}src/sw.ts`],
    define: { ...common.define, "self.__WB_MANIFEST": JSON.stringify(precache) },
  });
  written.set("sw.js", sw.outputFiles![0].contents);
  await esbuild.stop();
  const built: BuiltFile[] = [];
  for (const [path, bytes] of written) {
    await Deno.writeFile(`${outDir}/${path}`, bytes);
    built.push({ path, bytes: bytes.length, gzipBytes: await gzipSize(bytes) });
  }
  return built.sort((a, b) => a.path.localeCompare(b.path));
}

if (import.meta.main) {
  const started = performance.now();
  const files = await buildWebNode({ outDir: Deno.args[0] });
  for (const f of files) {
    console.log(
      `${f.path.padEnd(22)} ${(f.bytes / 1024).toFixed(1).padStart(8)} KiB  ${
        (f.gzipBytes / 1024).toFixed(1).padStart(7)
      } KiB gzip`,
    );
  }
  console.log(`built web-node/dist in ${(performance.now() - started).toFixed(0)} ms`);
}
