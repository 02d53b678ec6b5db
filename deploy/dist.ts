/**
 * `deno task dist`: builds the relay for x86_64 and aarch64 Linux.
 *
 * For each arch: the offline form always (npm's Deno runtime + the relay
 * bundled into one file + the `phase-relay` launcher), and the `deno
 * compile` form when its denort base binary can be had. From the offline
 * form: `phase-relay_<version>_<debarch>.deb` and
 * `phase-relay-<version>-<arch>.tar.gz`; then a signed release manifest over
 * all artifacts, laid out the way the relay serves them
 * (`releases/manifest.json`, `releases/<channel>/<arch>/<file>`).
 *
 * Usage: deno task dist [--arch x86_64|aarch64|amd64|arm64]... [--out DIR]
 *   [--version V] [--channel stable] [--release-key FILE] [--compression xz|gzip]
 *   [--no-compile] [--entry relay/main.ts]
 * The release key file comes from --release-key or PHASE_RELEASE_KEY; without
 * one a throwaway key is generated into OUT/release-key.json (and said so).
 *
 * @module
 */

import {
  type Arch,
  ARCHES,
  buildReleaseManifest,
  normalizeArch,
  publicKeyText,
} from "../shared/release/mod.ts";
import { PhaseError } from "../shared/errors.ts";
import { sha256Hex } from "../shared/crypto/mod.ts";
import { bundleRelay, type BundleResult } from "./_bundle.ts";
import { compileRelay, detectDenort, targetOf } from "./_compile.ts";
import { buildDeb, buildTarball, type ProgramInput } from "./_package.ts";
import { DENO_VERSION, fetchDenoRuntime } from "./_runtime.ts";
import { loadOrCreateReleaseKey } from "./release_key.ts";
import { run } from "./_run.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** `--allow-sys` names the relay needs (interface list for its addresses, hostname). */
export const SYS_ALLOW = ["hostname", "networkInterfaces"];

/** Options of {@linkcode buildDist}. */
export interface DistOptions {
  /** Architectures to build (default both). */
  arches?: Arch[];
  /** Output directory (default `dist/`). */
  outDir?: string;
  /** Release version (default: what the bundled relay's `--version` prints). */
  version?: string;
  /** Release channel (default `stable`). */
  channel?: string;
  /** Release key file (default `$PHASE_RELEASE_KEY`, else a generated throwaway key). */
  releaseKey?: string;
  /** Package compression: `xz` for releases (default), `gzip` for fast test builds. */
  compression?: "xz" | "gzip";
  /** Try the `deno compile` form (default true). */
  compile?: boolean;
  /** Relay entry module, relative to the repository root. */
  entry?: string;
  /** Print progress lines (default true). */
  log?: (line: string) => void;
}

/** One built file. */
export interface DistArtifact {
  /** Path on disk. */
  path: string;
  /** Arch. */
  arch: Arch;
  /** `deb`, `tarball` or `compiled-tarball`. */
  kind: string;
  /** `offline` or `compiled`. */
  form: "offline" | "compiled";
  /** Size in bytes. */
  size: number;
}

/** Result of {@linkcode buildDist}. */
export interface DistResult {
  /** Release version. */
  version: string;
  /** Built packages. */
  artifacts: DistArtifact[];
  /** Directory laid out as the relay serves releases. */
  releasesDir: string;
  /** Path of the signed manifest. */
  manifestPath: string;
  /** Release public key, base64url. */
  publicKey: string;
  /** Per arch, whether the compile form was built and why not. */
  compile: Record<string, string>;
  /** Size of the bundled relay.js in bytes. */
  bundleSize: number;
}

async function relayVersion(bundle: BundleResult): Promise<string> {
  const out = await run(Deno.execPath(), [
    "run",
    "--no-config",
    `--allow-env=${bundle.envNames.join(",")}`,
    `--allow-sys=${SYS_ALLOW.join(",")}`,
    "--preload",
    bundle.preludeJs,
    bundle.relayJs,
    "--version",
  ], {
    allowFailure: true,
    timeoutMs: 20_000,
  });
  const m = (out.stdout + out.stderr).match(/\b(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)\b/);
  return m ? m[1] : "0.0.0";
}

/** Default state dir of the relay when none is configured (mirrors relay/). */
export const RELAY_DEFAULT_STATE_DIR = ".phase/relay";

/** Builds everything `deno task dist` builds. */
export async function buildDist(options: DistOptions = {}): Promise<DistResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const arches = options.arches ?? [...ARCHES];
  const outDir = options.outDir ?? `${ROOT}/dist`;
  const channel = options.channel ?? "stable";
  const workDir = `${outDir}/build`;
  const builtAt = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  await Deno.remove(workDir, { recursive: true }).catch(() => {});
  await Deno.mkdir(workDir, { recursive: true });

  const bundle = await bundleRelay(ROOT, `${workDir}/bundle`, { entry: options.entry });
  const bundleSize = (await Deno.stat(bundle.relayJs)).size;
  const version = options.version ?? await relayVersion(bundle);
  log(`dist: phase-relay ${version}, relay bundle ${(bundleSize / 1024).toFixed(0)} KiB`);
  const webDir = await isDir(`${ROOT}/web-node/dist`) ? `${ROOT}/web-node/dist` : undefined;
  if (!webDir) log("dist: web-node/dist not built; packages carry no web node assets");

  const artifacts: DistArtifact[] = [];
  const compile: Record<string, string> = {};
  const common = {
    envNames: bundle.envNames,
    sysNames: SYS_ALLOW,
    defaultStateDir: RELAY_DEFAULT_STATE_DIR,
    webDir,
  };
  const pkg = { version, outDir, workDir, compression: options.compression, builtAt };
  // deno compile form: find denort for every arch first, so a machine that
  // cannot get it says so in one line.
  const denort = new Map<Arch, Awaited<ReturnType<typeof detectDenort>>>();
  if (options.compile !== false) {
    for (const arch of arches) denort.set(arch, await detectDenort(arch));
    const missing = arches.filter((a) => !denort.get(a)!.available);
    if (missing.length) {
      log(
        `dist: deno compile unavailable for ${missing.map(targetOf).join(", ")}: no denort ` +
          `${DENO_VERSION} base binary (DENORT_BIN unset, not in DENO_DIR cache, ` +
          `${denort.get(missing[0])!.source}); building the offline form only`,
      );
    }
  }
  for (const arch of arches) {
    const status = denort.get(arch);
    if (status?.available) {
      const binary = `${workDir}/compiled-${arch}/phase-relay-bin`;
      await Deno.mkdir(`${workDir}/compiled-${arch}`, { recursive: true });
      await compileRelay(bundle.relayJs, binary, {
        arch,
        denortBin: status.denortBin,
        envNames: bundle.envNames,
        sysNames: SYS_ALLOW,
        preludeJs: bundle.preludeJs,
        webDir,
      });
      const program: ProgramInput = { arch, compiledBinary: binary, ...common };
      const tarball = await buildTarball(program, pkg);
      artifacts.push(await describe(tarball, arch, "compiled-tarball", "compiled"));
      compile[arch] = `built (denort from ${status.source})`;
    } else compile[arch] = status ? `skipped: ${status.source}` : "skipped: --no-compile";

    const denoBinary = await fetchDenoRuntime(arch);
    const program: ProgramInput = {
      arch,
      denoBinary,
      relayJs: bundle.relayJs,
      preludeJs: bundle.preludeJs,
      ...common,
    };
    artifacts.push(await describe(await buildDeb(program, pkg), arch, "deb", "offline"));
    artifacts.push(await describe(await buildTarball(program, pkg), arch, "tarball", "offline"));
  }

  // Release tree + signed manifest.
  const releasesDir = `${outDir}/releases`;
  await Deno.remove(releasesDir, { recursive: true }).catch(() => {});
  const entries = [];
  for (const a of artifacts) {
    const file = a.path.split("/").at(-1)!;
    const dest = `${releasesDir}/${channel}/${a.arch}`;
    await Deno.mkdir(dest, { recursive: true });
    await Deno.link(a.path, `${dest}/${file}`).catch(() =>
      Deno.copyFile(a.path, `${dest}/${file}`)
    );
    entries.push({
      file,
      arch: a.arch,
      kind: a.kind,
      size: a.size,
      sha256: sha256Hex(await Deno.readFile(a.path)),
    });
  }
  const keyPath = options.releaseKey ?? Deno.env.get("PHASE_RELEASE_KEY") ??
    `${outDir}/release-key.json`;
  const { keyPair, created } = await loadOrCreateReleaseKey(keyPath, {
    create: !options.releaseKey && !Deno.env.get("PHASE_RELEASE_KEY"),
  });
  if (created) log(`dist: no release key given; generated a throwaway key at ${keyPath}`);
  const manifest = buildReleaseManifest({
    product: "phase-relay",
    release: version,
    channel,
    createdAt: builtAt,
    artifacts: entries,
  }, keyPair);
  const manifestPath = `${releasesDir}/manifest.json`;
  await Deno.writeTextFile(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  await Deno.writeTextFile(
    `${releasesDir}/release-key.pub`,
    publicKeyText(keyPair.publicKey) + "\n",
  );
  await Deno.remove(workDir, { recursive: true }).catch(() => {});
  for (const a of artifacts) log(`dist: ${a.path} (${(a.size / 1048576).toFixed(1)} MiB)`);
  log(`dist: ${manifestPath} signed by ${manifest.publicKey}`);
  return {
    version,
    artifacts,
    releasesDir,
    manifestPath,
    publicKey: manifest.publicKey,
    compile,
    bundleSize,
  };
}

async function describe(
  path: string,
  arch: Arch,
  kind: string,
  form: "offline" | "compiled",
): Promise<DistArtifact> {
  return { path, arch, kind, form, size: (await Deno.stat(path)).size };
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

function parseArgs(args: string[]): DistOptions {
  const options: DistOptions = {};
  const arches: Arch[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => inline ?? args[++i];
    switch (flag) {
      case "--arch": {
        const v = value();
        if (v === "all") arches.push(...ARCHES);
        else {
          const a = normalizeArch(v);
          if (!a) throw new PhaseError("dist_bad_arch", `unknown arch ${v}`);
          arches.push(a);
        }
        break;
      }
      case "--out":
        options.outDir = value();
        break;
      case "--version":
        options.version = value();
        break;
      case "--channel":
        options.channel = value();
        break;
      case "--release-key":
        options.releaseKey = value();
        break;
      case "--compression":
        options.compression = value() === "gzip" ? "gzip" : "xz";
        break;
      case "--no-compile":
        options.compile = false;
        break;
      case "--entry":
        options.entry = value();
        break;
      case "--help":
      case "-h":
        console.log(
          "usage: deno task dist [--arch ARCH]... [--out DIR] [--version V] [--channel C]\n" +
            "       [--release-key FILE] [--compression xz|gzip] [--no-compile] [--entry FILE]",
        );
        Deno.exit(0);
        break;
      default:
        throw new PhaseError("dist_bad_flag", `unknown flag ${args[i]}`);
    }
  }
  if (arches.length) options.arches = [...new Set(arches)];
  return options;
}

if (import.meta.main) {
  try {
    const options = parseArgs(Deno.args);
    if (options.outDir && !options.outDir.startsWith("/")) {
      options.outDir = `${Deno.cwd()}/${options.outDir}`;
    }
    await buildDist(options);
  } catch (err) {
    console.error(`dist: ${err instanceof Error ? err.message : err}`);
    Deno.exit(1);
  }
}
