// The official WebAssembly wasi-testsuite (../shared/conformance/) through
// the path network jobs take on a Deno node: the Deno host's Worker, the
// shared executor, WASI with an in-memory root. Every case must give the
// expected exit code and stdout, on both engines; a line per case is printed.
// Case directories are copied into memory, so nothing is written to disk.

import { assertEquals } from "../../shared/testing/mod.ts";
import { DenoHost } from "../../cli/host/mod.ts";
import type { JobSpec } from "../../shared/executor/mod.ts";

const SUITE = new URL("../../../shared/conformance/wasi-testsuite/", import.meta.url);
const dec = new TextDecoder();

/** Cases that need sockets, which Phase's sandbox does not offer (none in this set). */
const NEEDS_SOCKETS: Record<string, string> = {};

async function readTree(dir: URL, prefix = ""): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const e of Deno.readDir(dir)) {
    const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
    if (e.isDirectory) {
      for (const [k, v] of await readTree(url, `${prefix}/${e.name}`)) out.set(k, v);
    } else if (e.isFile) out.set(`${prefix}/${e.name}`, await Deno.readFile(url));
  }
  return out;
}

async function cases(): Promise<
  { id: string; bytes: Uint8Array; spec: JobSpec; want: { exit: number; stdout?: string } }[]
> {
  const out = [];
  for (const suite of ["assemblyscript", "c"]) {
    const dir = new URL(`${suite}/`, SUITE);
    const names: string[] = [];
    for await (const e of Deno.readDir(dir)) if (e.name.endsWith(".wasm")) names.push(e.name);
    for (const name of names.sort()) {
      const base = name.slice(0, -5);
      let meta: Record<string, unknown> = {};
      try {
        meta = JSON.parse(await Deno.readTextFile(new URL(`${base}.json`, dir)));
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
      const root = (meta.root ?? (meta.dirs as string[] | undefined)?.[0]) as string | undefined;
      out.push({
        id: `${suite}/${base}`,
        bytes: await Deno.readFile(new URL(name, dir)),
        spec: {
          args: (meta.args as string[]) ?? [],
          env: (meta.env as Record<string, string>) ?? {},
          files: root ? await readTree(new URL(`${root}/`, dir)) : new Map(),
          // The suite preopens a directory only for cases that name one.
          preopenRoot: root !== undefined,
          limits: { timeoutMs: 20_000 },
        },
        want: { exit: (meta.exit_code as number) ?? 0, stdout: meta.stdout as string | undefined },
      });
    }
  }
  return out;
}

for (const engine of ["jit", "interp"] as const) {
  Deno.test(`wasi-testsuite through the Deno host (${engine})`, async () => {
    const host = new DenoHost(1);
    const failures: string[] = [];
    let passed = 0;
    try {
      for (const c of await cases()) {
        if (NEEDS_SOCKETS[c.id]) {
          console.log(`skip ${c.id}: ${NEEDS_SOCKETS[c.id]}`);
          continue;
        }
        const r = await host.run(c.bytes, c.spec, { engine });
        const problems: string[] = [];
        if (r.status !== "ok" && r.status !== "exit") {
          problems.push(`status ${r.status}: ${r.message}`);
        }
        if (r.exitCode !== c.want.exit) problems.push(`exit ${r.exitCode}, want ${c.want.exit}`);
        if (c.want.stdout !== undefined && dec.decode(r.stdout) !== c.want.stdout) {
          problems.push(`stdout ${JSON.stringify(dec.decode(r.stdout))}`);
        }
        console.log(
          `${problems.length ? "FAIL" : "pass"} ${c.id}${
            problems.length ? `: ${problems.join("; ")}` : ""
          }`,
        );
        if (problems.length) failures.push(`${c.id}: ${problems.join("; ")}`);
        else passed++;
      }
    } finally {
      host.close();
    }
    console.log(`${engine}: ${passed} passed, ${failures.length} failed`);
    assertEquals(failures, []);
  });
}
