// An esbuild plugin that resolves imports the way Deno does for this
// workspace: bare specifiers through deno.json's "imports" (npm: entries map
// to the copies under node_modules/.deno/), and it merges duplicate copies of
// a package that npm semver would let share one version (same major), which
// is what keeps the browser bundle small.

import type * as esbuild from "esbuild";

/** Options of {@linkcode denoResolvePlugin}. */
export interface DenoResolveOptions {
  /** The workspace root (holds deno.json and node_modules/). */
  root: string;
}

interface NpmTarget {
  name: string;
  version: string;
  subpath: string;
}

function parseNpm(target: string): NpmTarget | undefined {
  const m = target.match(/^npm:\/?((?:@[^/]+\/)?[^@/]+)@([^/]+)(\/.*)?$/);
  return m ? { name: m[1], version: m[2], subpath: m[3] ?? "" } : undefined;
}

function packageDir(root: string, name: string, version: string): string {
  return `${root}/node_modules/.deno/${name.replace("/", "+")}@${version}/node_modules/${name}`;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => Number(x) || 0);
  const pb = b.split(/[.+-]/).map((x) => Number(x) || 0);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** Resolves deno.json imports and merges same-major duplicate npm packages. */
export function denoResolvePlugin(options: DenoResolveOptions): esbuild.Plugin {
  const { root } = options;
  const imports: Record<string, string> =
    JSON.parse(Deno.readTextFileSync(`${root}/deno.json`)).imports ?? {};
  // name -> installed versions, from node_modules/.deno/<name>@<version>.
  const installed = new Map<string, string[]>();
  for (const entry of Deno.readDirSync(`${root}/node_modules/.deno`)) {
    const m = entry.name.match(/^(.+)@([0-9][^_]*)$/);
    if (!m) continue;
    const name = m[1].replace("+", "/");
    installed.set(name, [...(installed.get(name) ?? []), m[2]]);
  }
  return {
    name: "deno-resolve",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.phaseResolved) return undefined;
        let spec = args.path;
        let resolveDir = args.resolveDir;
        if (spec.startsWith("npm:")) spec = spec.slice(4);
        for (const [key, target] of Object.entries(imports)) {
          const hit = key.endsWith("/") ? spec.startsWith(key) : spec === key;
          if (!hit) continue;
          const npm = parseNpm(target);
          if (!npm) break;
          spec = npm.name + npm.subpath + (key.endsWith("/") ? spec.slice(key.length) : "");
          if (!spec.startsWith(npm.name + "/") && spec !== npm.name) spec = npm.name;
          resolveDir = packageDir(root, npm.name, npm.version);
          break;
        }
        const result = await build.resolve(spec, {
          resolveDir,
          kind: args.kind,
          importer: args.importer,
          pluginData: { phaseResolved: true },
        });
        if (result.errors.length > 0 || !result.path) return result;
        return { ...result, path: dedupe(result.path) };
      });
    },
  };

  // Maps a file inside node_modules/.deno/<name>@<v>/ to the same file in the
  // newest installed copy of <name> with the same major version.
  function dedupe(path: string): string {
    const m = path.match(/\/node_modules\/\.deno\/([^/]+)@([0-9][^/_]*)\/node_modules\/(.+)$/);
    if (!m) return path;
    const name = m[1].replace("+", "/");
    const version = m[2];
    const inner = m[3].slice(name.length);
    const major = version.split(".")[0];
    const best = (installed.get(name) ?? [])
      .filter((v) => v.split(".")[0] === major)
      .sort(compareVersions)
      .at(-1);
    if (!best || best === version) return path;
    const candidate = packageDir(root, name, best) + inner;
    try {
      Deno.statSync(candidate);
    } catch {
      return path;
    }
    return candidate;
  }
}
