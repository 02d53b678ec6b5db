/**
 * Test helpers for the deploy suite: one `deno task dist` build per test
 * run (fast gzip packages, no compile probe), free ports, starting an
 * installed relay and waiting for `/health`.
 *
 * @module
 */

import { buildDist, type DistResult } from "./dist.ts";
import { run } from "./_run.ts";

let build: Promise<DistResult & { outDir: string; log: string[] }> | undefined;

/** The shared test build (both arches), made on first use. */
export function testBuild(): Promise<DistResult & { outDir: string; log: string[] }> {
  build ??= (async () => {
    const outDir = await Deno.makeTempDir({ prefix: "phase-dist-test-" });
    const log: string[] = [];
    const started = performance.now();
    const result = await buildDist({
      outDir,
      compression: "gzip",
      compile: false,
      log: (line) => log.push(line),
    });
    console.log(
      `figure: test build of both arches ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(outDir, { recursive: true });
      } catch { /* already gone */ }
    });
    return { ...result, outDir, log };
  })();
  return build;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Extracts a .deb into `root` (dpkg -x). */
export async function extractDeb(deb: string, root: string): Promise<void> {
  await run("dpkg", ["-x", deb, root]);
}

/** A running relay process. */
export interface RelayProcess {
  /** The child process. */
  child: Deno.ChildProcess;
  /** Milliseconds from spawn to the first 200 from `/health`. */
  startMs: number;
  /** Base URL of its HTTP port. */
  base: string;
  /** Output collected so far. */
  output: () => string;
}

/** Spawns `cmd args` and waits until `http://127.0.0.1:port/health` answers 200. */
export async function startRelay(
  cmd: string,
  args: string[],
  options: { port: number; timeoutMs?: number; env?: Record<string, string> },
): Promise<RelayProcess> {
  const started = performance.now();
  const child = new Deno.Command(cmd, {
    args,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) out += decoder.decode(chunk, { stream: true });
  };
  pump(child.stdout);
  pump(child.stderr);
  let exited = false;
  child.status.then(() => exited = true);
  const base = `http://127.0.0.1:${options.port}`;
  const deadline = started + (options.timeoutMs ?? 15_000);
  while (performance.now() < deadline && !exited) {
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.status === 200) {
        return { child, startMs: performance.now() - started, base, output: () => out };
      }
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 25));
  }
  try {
    child.kill("SIGKILL");
  } catch { /* gone */ }
  await child.status;
  throw new Error(`relay did not answer /health (exited: ${exited}); output:\n${out.slice(-3000)}`);
}

/** Resident set size of `pid` in KiB (VmRSS). */
export async function rssKiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]);
}

/** Sends SIGTERM and returns the exit code and how long the exit took. */
export async function stopRelay(relay: RelayProcess): Promise<{ code: number; ms: number }> {
  const t0 = performance.now();
  relay.child.kill("SIGTERM");
  const timer = setTimeout(() => relay.child.kill("SIGKILL"), 10_000);
  const { code } = await relay.child.status;
  clearTimeout(timer);
  return { code, ms: performance.now() - t0 };
}

/** A fresh root for `dpkg --root`: dpkg database and minimal user/group files. */
export async function makeDpkgRoot(root: string): Promise<void> {
  for (const dir of ["var/lib/dpkg/info", "var/lib/dpkg/updates", "etc"]) {
    await Deno.mkdir(`${root}/${dir}`, { recursive: true });
  }
  await Deno.writeTextFile(`${root}/var/lib/dpkg/status`, "");
  await Deno.writeTextFile(`${root}/var/lib/dpkg/available`, "");
  await Deno.writeTextFile(`${root}/etc/passwd`, "root:x:0:0:root:/root:/bin/sh\n");
  await Deno.writeTextFile(`${root}/etc/group`, "root:x:0:\n");
  await Deno.writeTextFile(`${root}/etc/shadow`, "root:*:19000:0:99999:7:::\n", { mode: 0o640 });
  await Deno.writeTextFile(`${root}/etc/gshadow`, "root:*::\n", { mode: 0o640 });
}

/** Runs dpkg on `root` with maintainer scripts run outside a chroot (they honour DPKG_ROOT). */
export async function dpkgRoot(root: string, args: string[]): Promise<string> {
  const out = await run("dpkg", [
    `--root=${root}`,
    "--force-script-chrootless",
    "--force-depends",
    "--log=/dev/null",
    ...args,
  ]);
  return out.stdout + out.stderr;
}
