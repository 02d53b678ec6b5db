// A/B timing of the interpreter between two trees: sha256 over N MiB run in
// fresh processes, alternating A and B, so that both see the same machine
// load. Usage:
//   deno run -A tests/bench/interp_ab.ts A_ROOT B_ROOT [MiB=8] [rounds=5] [--in-process]
// --in-process loads both trees' interpreters into this process instead and
// alternates them run by run (which goes first alternates too), after two
// warm-up runs each: on a machine whose speed drifts within seconds, the
// median of the per-round ratios B/A is the steadiest figure.
// (a root is a checkout of this repository, e.g. from `git worktree add`; both
// run this checkout's tests/testdata/sha256.wasm).
// Prints each side's times in ms, sorted, and the fuel (which must match).
import { median } from "./_stats.ts";

const inProcess = Deno.args.includes("--in-process");
const [a, b, mib = "8", rounds = "5"] = Deno.args.filter((x) => x !== "--in-process");
if (!a || !b) {
  console.error("usage: interp_ab.ts A_ROOT B_ROOT [MiB] [rounds]");
  Deno.exit(2);
}

// The same module for both trees: this checkout's.
const SHA_PATH = new URL("../testdata/sha256.wasm", import.meta.url).pathname;

/** One sha256 run on the interpreter of the tree at `root`, in a new process. */
async function runOnce(root: string): Promise<{ ms: number; fuel: number }> {
  const script = `
    const { compileModule, instantiate } = await import(${
    JSON.stringify(`file://${Deno.realPathSync(root)}/shared/executor/interpreter/mod.ts`)
  });
    const { ProcExit, Wasi } = await import(${
    JSON.stringify(`file://${Deno.realPathSync(root)}/shared/executor/wasi.ts`)
  });
    const sha = await Deno.readFile(${JSON.stringify(SHA_PATH)});
    const wasi = new Wasi({ args: ["sha256", ${JSON.stringify(mib)}] });
    const inst = instantiate(compileModule(sha), { wasi_snapshot_preview1: wasi.imports });
    wasi.setMemory(inst.exports.memory);
    const t = performance.now();
    try { inst.exports._start(); } catch (e) { if (!(e instanceof ProcExit)) throw e; }
    console.log(JSON.stringify({ ms: performance.now() - t, fuel: inst.fuelUsed() }));`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=js", script],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`run in ${root} failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

/** A runner of sha256 on the interpreter of the tree at `root`, in this process. */
async function loadInProcess(root: string): Promise<() => { ms: number; fuel: number }> {
  const base = `file://${Deno.realPathSync(root)}/shared/executor`;
  const { compileModule, instantiate } = await import(`${base}/interpreter/mod.ts`);
  const { ProcExit, Wasi } = await import(`${base}/wasi.ts`);
  const mod = compileModule(await Deno.readFile(SHA_PATH));
  return () => {
    const wasi = new Wasi({ args: ["sha256", mib] });
    const inst = instantiate(mod, { wasi_snapshot_preview1: wasi.imports });
    wasi.setMemory(inst.exports.memory);
    const t = performance.now();
    try {
      inst.exports._start();
    } catch (e) {
      if (!(e instanceof ProcExit)) throw e;
    }
    return { ms: performance.now() - t, fuel: inst.fuelUsed() };
  };
}

const times: Record<string, number[]> = { A: [], B: [] };
const fuel: Record<string, number> = {};
const ratios: number[] = [];
if (inProcess) {
  const run: Record<string, () => { ms: number; fuel: number }> = {
    A: await loadInProcess(a),
    B: await loadInProcess(b),
  };
  for (let i = 0; i < 2; i++) run.A(), run.B();
  for (let i = 0; i < Number(rounds); i++) {
    for (const side of i % 2 === 0 ? ["A", "B"] : ["B", "A"]) {
      const r = run[side]();
      times[side].push(r.ms);
      fuel[side] = r.fuel;
    }
    ratios.push(times.B[i] / times.A[i]);
  }
} else {
  for (let i = 0; i < Number(rounds); i++) {
    for (const [side, root] of [["A", a], ["B", b]]) {
      const r = await runOnce(root);
      times[side].push(r.ms);
      fuel[side] = r.fuel;
    }
    ratios.push(times.B[i] / times.A[i]);
  }
}
for (const side of ["A", "B"]) {
  const sorted = times[side].sort((x, y) => x - y).map((x) => x.toFixed(0));
  console.log(`${side} (${side === "A" ? a : b}): ${sorted.join(" ")} ms, fuel ${fuel[side]}`);
}
console.log(`B/A per round: median ${median(ratios).toFixed(3)}`);
if (fuel.A !== fuel.B) console.log("fuel differs between the trees");
