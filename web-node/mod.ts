/**
 * The web node: the page that makes a browser tab a Phase executor. Its
 * sources are under `src/` (bundled for the browser); from Deno, this module
 * builds them into the static files the relay serves at `/`.
 *
 * ```ts
 * import { buildWebNode } from "./mod.ts";
 * const files = await buildWebNode({ outDir: "web-node/dist" });
 * ```
 *
 * @module
 */

export { buildWebNode } from "./build.ts";
export type { BuildWebNodeOptions, BuiltFile } from "./build.ts";
