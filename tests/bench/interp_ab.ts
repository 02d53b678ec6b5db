// A/B timing of the interpreter between two trees: sha256 over N MiB run in
// fresh processes, alternating A and B, so that both see the same machine
// load. Usage:
//   deno run -A tests/bench/interp_ab.ts A_ROOT B_ROOT [MiB=8] [rounds=5]
// (a root is a checkout of this repository, e.g. from `git worktree add`; both
// run this checkout's tests/testdata/sha256.wasm).
// Prints each side's times in ms, sorted, and the fuel (which must match).
const [a, b, mib = "8", rounds = "5"] = Deno.args;
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

const times: Record<string, number[]> = { A: [], B: [] };
const fuel: Record<string, number> = {};
for (let i = 0; i < Number(rounds); i++) {
  for (const [side, root] of [["A", a], ["B", b]]) {
    const r = await runOnce(root);
    times[side].push(r.ms);
    fuel[side] = r.fuel;
  }
}
for (const side of ["A", "B"]) {
  const sorted = times[side].sort((x, y) => x - y).map((x) => x.toFixed(0));
  console.log(`${side} (${side === "A" ? a : b}): ${sorted.join(" ")} ms, fuel ${fuel[side]}`);
}
if (fuel.A !== fuel.B) console.log("fuel differs between the trees");
