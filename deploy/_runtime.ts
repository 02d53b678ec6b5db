/**
 * The Deno runtime for the offline form: npm's `@deno/linux-x64-glibc` /
 * `@deno/linux-arm64-glibc` at the project's Deno version, fetched once with
 * `npm pack` into a cache dir and unpacked there.
 *
 * @module
 */

import type { Arch } from "../shared/release/mod.ts";
import { run } from "./_run.ts";

/** The Deno version the packages ship (the project's pinned version). */
export const DENO_VERSION = "2.9.5";

const NPM_PACKAGE: Record<Arch, string> = {
  x86_64: "@deno/linux-x64-glibc",
  aarch64: "@deno/linux-arm64-glibc",
};

/** Default cache dir: `$PHASE_DIST_CACHE`, else `$XDG_CACHE_HOME/phase-dist`, else `~/.cache/phase-dist`. */
export function defaultCacheDir(): string {
  const explicit = Deno.env.get("PHASE_DIST_CACHE");
  if (explicit) return explicit;
  const xdg = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "/tmp"}/.cache`;
  return `${xdg}/phase-dist`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Path of the unpacked `deno` binary for `arch`, fetching it with `npm pack` if not cached. */
export async function fetchDenoRuntime(
  arch: Arch,
  options: { cacheDir?: string; version?: string } = {},
): Promise<string> {
  const version = options.version ?? DENO_VERSION;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const dir = `${cacheDir}/deno-${version}-${arch}`;
  const binary = `${dir}/deno`;
  if (await exists(binary)) return binary;
  const work = await Deno.makeTempDir({ dir: await ensureDir(cacheDir), prefix: "fetch-" });
  try {
    const spec = `${NPM_PACKAGE[arch]}@${version}`;
    const packed = await run("npm", ["pack", "--silent", spec], { cwd: work });
    const tgz = packed.stdout.trim().split("\n").at(-1)!;
    await run("tar", ["-xzf", tgz, "-C", work], { cwd: work });
    await Deno.chmod(`${work}/package/deno`, 0o755);
    await Deno.mkdir(`${work}/out`);
    await Deno.rename(`${work}/package/deno`, `${work}/out/deno`);
    await Deno.rename(`${work}/out`, dir).catch(async (err) => {
      if (!(await exists(binary))) throw err; // lost a race with another build: fine
    });
    return binary;
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

async function ensureDir(path: string): Promise<string> {
  await Deno.mkdir(path, { recursive: true });
  return path;
}
