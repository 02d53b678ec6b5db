// The WASI test programs and the official wasi-testsuite cases run through the
// executor (runJob) on both engines: status, exit code, stdout, stderr and
// output files must be identical, and fuel must be identical across runs.
import { assert, assertEquals } from "../../testing/mod.ts";
import { type JobResult, type JobSpec, runJob } from "../mod.ts";

const ROOT = new URL("../../../", import.meta.url);
const SUITE = new URL("../shared/conformance/wasi-testsuite/", ROOT);
const TESTDATA = new URL("tests/testdata/", ROOT);
const dec = new TextDecoder();

async function readTree(dir: URL, prefix = ""): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for await (const e of Deno.readDir(dir)) {
    const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
    const path = `${prefix}/${e.name}`;
    if (e.isDirectory) Object.assign(out, await readTree(url, path));
    else if (e.isFile) out[path] = await Deno.readFile(url);
  }
  return out;
}

async function exists(url: URL): Promise<boolean> {
  try {
    await Deno.stat(url);
    return true;
  } catch {
    return false;
  }
}

function same(a: JobResult, b: JobResult, where: string) {
  assertEquals(b.status, a.status, `${where}: status (${b.message} vs ${a.message})`);
  assertEquals(b.exitCode, a.exitCode, `${where}: exit code`);
  assertEquals(dec.decode(b.stdout), dec.decode(a.stdout), `${where}: stdout`);
  assertEquals(dec.decode(b.stderr), dec.decode(a.stderr), `${where}: stderr`);
  assertEquals(b.files, a.files, `${where}: files`);
  if (a.status === "trap") assertEquals(b.trapMessage ?? b.message, a.trapMessage ?? a.message);
}

const DET = { clock: "deterministic" as const, randomSeed: new Uint8Array(32).fill(7) };

Deno.test("wasi-testsuite cases: interpreter equals JIT and the expected results", async () => {
  let n = 0;
  for (const suite of ["assemblyscript", "c"]) {
    const dir = new URL(`${suite}/`, SUITE);
    if (!(await exists(dir))) continue;
    const names = [];
    for await (const e of Deno.readDir(dir)) if (e.name.endsWith(".wasm")) names.push(e.name);
    names.sort();
    for (const name of names) {
      const base = name.slice(0, -5);
      const jsonUrl = new URL(`${base}.json`, dir);
      const spec = (await exists(jsonUrl)) ? JSON.parse(await Deno.readTextFile(jsonUrl)) : {};
      const files = spec.dirs?.length || spec.root
        ? await readTree(new URL(`${spec.root ?? spec.dirs[0]}/`, dir))
        : {};
      const job: JobSpec = {
        args: spec.args ?? [],
        env: spec.env ?? {},
        files,
        ...DET,
        limits: { timeoutMs: 20_000 },
      };
      const bytes = await Deno.readFile(new URL(name, dir));
      const jit = await runJob(bytes, job, { engine: "jit" });
      const interp = await runJob(bytes, job, { engine: "interp" });
      same(jit, interp, `${suite}/${name}`);
      assert(interp.fuelUsed! > 0, `${name}: fuel reported`);
      const wantExit = spec.exit_code ?? 0;
      if (interp.status === "ok" || interp.status === "exit") {
        assertEquals(interp.exitCode, wantExit, `${suite}/${name}: expected exit code`);
      }
      if (spec.stdout !== undefined) assertEquals(dec.decode(interp.stdout), spec.stdout);
      n++;
    }
  }
  assert(n >= 20, `ran ${n} cases`);
});

Deno.test("test programs: interpreter equals JIT; fuel identical across runs", async () => {
  const cases: [string, JobSpec][] = [
    ["hello.wasm", {
      args: ["a", "b c", "--write", "/out.txt", "hi", "--exit", "3"],
      env: { K: "V" },
      outputs: ["/out.txt"],
    }],
    ["hello.wasm", { args: ["--stdin"], stdin: new TextEncoder().encode("piped input\n") }],
    ["sha256.wasm", { args: ["1"] }],
    ["trap_div_zero.wasm", {}],
    ["trap_unreachable.wasm", {}],
    ["unknown_import.wasm", {}],
    ["flood.wasm", { limits: { maxOutputBytes: 100_000 } }],
  ];
  let n = 0;
  for (const [name, spec] of cases) {
    const url = new URL(name, TESTDATA);
    if (!(await exists(url))) continue;
    const bytes = await Deno.readFile(url);
    const job = { ...DET, ...spec };
    const jit = await runJob(bytes, job, { engine: "jit" });
    const a = await runJob(bytes, job, { engine: "interp" });
    const b = await runJob(bytes, job, { engine: "interp" });
    same(jit, a, name);
    same(a, b, name);
    assertEquals(a.fuelUsed, b.fuelUsed, `${name}: fuel identical across runs`);
    n++;
  }
  assert(n >= 6, `ran ${n} programs`);
});

Deno.test("interp: infinite loop stops at the deadline; fuel limit gives fuel_exhausted", async () => {
  const url = new URL("loop.wasm", TESTDATA);
  if (!(await exists(url))) throw new Error("tests/testdata/loop.wasm missing");
  const bytes = await Deno.readFile(url);
  const t0 = performance.now();
  const r = await runJob(bytes, { limits: { timeoutMs: 200 } }, { engine: "interp" });
  const ms = performance.now() - t0;
  assertEquals(r.status, "timeout");
  assert(ms < 1000, `stopped after ${ms} ms`);
  const f = await runJob(bytes, { limits: { fuel: 12345 } }, { engine: "interp" });
  assertEquals(f.status, "fuel_exhausted");
  assertEquals(f.fuelUsed, 12345);
});
