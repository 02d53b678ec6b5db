/**
 * The `deno compile` form. `deno compile --target T` needs the `denort` base
 * binary for T: from `DENORT_BIN` (its ELF machine must match T), from the
 * download cache in `DENO_DIR`, or downloaded on the spot. We detect up front
 * which of these works, so a machine without the download says so in one
 * line and the build goes on with the offline form.
 *
 * @module
 */

import type { Arch } from "../shared/release/mod.ts";
import { DENO_VERSION } from "./_runtime.ts";
import { run } from "./_run.ts";

/** Rust target triple of `arch`. */
export function targetOf(arch: Arch): string {
  return `${arch}-unknown-linux-gnu`;
}

/** Whether the compile form can be built for an arch, and how. */
export interface DenortStatus {
  /** True when `deno compile` can get its base binary. */
  available: boolean;
  /** `DENORT_BIN`, `cache`, `download`, or why not. */
  source: string;
  /** Value for `DENORT_BIN` to pass to `deno compile`, when one applies. */
  denortBin?: string;
}

async function elfMachine(path: string): Promise<Arch | null> {
  try {
    const file = await Deno.open(path);
    const head = new Uint8Array(20);
    await file.read(head);
    file.close();
    const machine = head[18] | (head[19] << 8);
    return machine === 0x3e ? "x86_64" : machine === 0xb7 ? "aarch64" : null;
  } catch {
    return null;
  }
}

function denoDir(): string {
  return Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME") ?? "/root"}/.cache/deno`;
}

/** Finds the denort base binary for `arch`; the probe download is bounded by `timeoutMs`. */
export async function detectDenort(
  arch: Arch,
  options: { timeoutMs?: number; probe?: boolean } = {},
): Promise<DenortStatus> {
  const specific = Deno.env.get(`DENORT_BIN_${arch.toUpperCase()}`);
  for (const candidate of [specific, Deno.env.get("DENORT_BIN")]) {
    if (candidate && (await elfMachine(candidate)) === arch) {
      return { available: true, source: "DENORT_BIN", denortBin: candidate };
    }
  }
  const cached = `${denoDir()}/dl/release/v${DENO_VERSION}/denort-${targetOf(arch)}.zip`;
  try {
    await Deno.stat(cached);
    return { available: true, source: "cache" };
  } catch { /* not cached */ }
  if (options.probe === false) return { available: false, source: "not cached, probe skipped" };
  // Probe: compile a one-line program; this downloads (and caches) denort if it can.
  const dir = await Deno.makeTempDir({ prefix: "phase-denort-probe-" });
  try {
    await Deno.writeTextFile(`${dir}/probe.ts`, "console.log(1);\n");
    const result = await run(Deno.execPath(), [
      "compile",
      "--quiet",
      "--no-config",
      "--target",
      targetOf(arch),
      "-o",
      `${dir}/probe`,
      `${dir}/probe.ts`,
    ], { allowFailure: true, timeoutMs: options.timeoutMs ?? 15_000, env: { NO_COLOR: "1" } });
    if (result.code === 0) return { available: true, source: "download" };
    const line = result.stderr.split("\n").find((l) =>
      /error sending request|dns error|timed out/i.test(l)
    );
    return {
      available: false,
      source: line ? "download failed" : `compile failed (exit ${result.code})`,
    };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Options of {@linkcode compileRelay}. */
export interface CompileOptions {
  /** Directory to embed as the web node assets, if any. */
  webDir?: string;
  /** `DENORT_BIN` to use. */
  denortBin?: string;
  /** Environment variable allow-list. */
  envNames: string[];
  /** `--allow-sys` list. */
  sysNames: string[];
  /** The env prelude (see `_bundle.ts`). */
  preludeJs: string;
}

/**
 * Compiles the bundled relay for `arch` into `output`. Permissions are fixed
 * at compile time, so read/write lists name the packaged paths
 * (`/etc/phase`, `/var/lib/phase`, `/usr/lib/phase-relay`, `/usr/local/lib/phase-relay`).
 */
export async function compileRelay(
  relayJs: string,
  output: string,
  options: CompileOptions & { arch: Arch },
): Promise<void> {
  const args = [
    "compile",
    "--quiet",
    "--no-config",
    "--target",
    targetOf(options.arch),
    "--allow-net",
    "--allow-read=/etc/phase,/var/lib/phase,/usr/lib/phase-relay,/usr/local/lib/phase-relay",
    "--allow-write=/var/lib/phase",
    `--allow-env=${options.envNames.join(",")}`,
    `--allow-sys=${options.sysNames.join(",")}`,
    "--no-prompt",
    // Same V8 flags as the offline form (see files/phase-relay.sh).
    "--v8-flags=--optimize-for-size",
    "--preload",
    options.preludeJs,
    "-o",
    output,
  ];
  if (options.webDir) args.push("--include", options.webDir);
  args.push(relayJs);
  const env: Record<string, string> = { NO_COLOR: "1" };
  if (options.denortBin) env.DENORT_BIN = options.denortBin;
  await run(Deno.execPath(), args, { env });
}
