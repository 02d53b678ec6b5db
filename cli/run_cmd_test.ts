// `phase run` as a user runs it: a subprocess with its own PHASE_HOME.

import { assert, assertEquals, assertMatch } from "../shared/testing/mod.ts";
import { phase } from "../tests/_processes.ts";

Deno.test("phase run streams output, mounts --dir, exits with the guest's code, signs --json", async () => {
  const home = await Deno.makeTempDir({ prefix: "phase-run-" });
  const dir = await Deno.makeTempDir({ prefix: "phase-run-dir-" });
  try {
    const env = { PHASE_HOME: home };
    await Deno.writeTextFile(`${dir}/in.txt`, "input file");
    await Deno.writeTextFile(`${home}/stdin.txt`, "from stdin");
    const plain = await phase(
      [
        "run",
        "tests/testdata/hello.wasm",
        "--env",
        "K=V",
        "--stdin",
        `${home}/stdin.txt`,
        "--",
        "--stdin",
        "--exit",
        "7",
      ],
      { env },
    );
    assertEquals(plain.code, 7);
    assertMatch(plain.stdout, /env K=V/);
    assertMatch(plain.stdout, /from stdinstdin bytes: 10/);

    const json = await phase(
      [
        "run",
        "tests/testdata/hello.wasm",
        "--dir",
        dir,
        "--output",
        "/made.txt",
        "--json",
        "--",
        "--write",
        "/made.txt",
        "hi",
        "--stderr",
      ],
      { env },
    );
    assertEquals(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout);
    assertEquals(result.status, "ok");
    assertEquals(result.files["/made.txt"], { data: "hi", encoding: "utf8" });
    assertEquals(result.stderr.data, "to stderr\n");
    assertEquals(Object.keys(result.manifest.files), ["/in.txt"]);
    // The guest wrote into its in-memory root, never into the host directory.
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["in.txt"]);
    // The receipt is signed by this machine's key and verifies offline.
    const keyFile = JSON.parse(await Deno.readTextFile(`${home}/node.key.json`));
    assertEquals(result.receipt.executor, keyFile.publicKey);
    assertEquals((await Deno.stat(`${home}/node.key.json`)).mode! & 0o777, 0o600);
    await Deno.writeTextFile(`${home}/result.json`, json.stdout);
    const verified = await phase(["verify", `${home}/result.json`]);
    assertEquals(verified.code, 0, verified.stdout);
  } finally {
    await Deno.remove(home, { recursive: true });
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("phase run maps limits to exit codes; the interpreter reports fuel", async () => {
  const home = await Deno.makeTempDir({ prefix: "phase-run-" });
  try {
    const env = { PHASE_HOME: home };
    const loop = await phase(["run", "tests/testdata/loop.wasm", "--timeout-ms", "200"], { env });
    assertEquals(loop.code, 124);
    assertMatch(loop.stderr, /timeout/);
    const trap = await phase(["run", "tests/testdata/trap_unreachable.wasm"], { env });
    assertEquals(trap.code, 134);
    const fuel = await phase(
      ["run", "tests/testdata/loop.wasm", "--engine", "interp", "--fuel", "1000", "--json"],
      { env },
    );
    assertEquals(fuel.code, 125);
    const result = JSON.parse(fuel.stdout);
    assertEquals(result.status, "fuel_exhausted");
    assertEquals(result.receipt.fuelUsed, 1000);
    assertEquals(result.receipt.runtime, { kind: "deno", engine: "interp" });
    const usage = await phase(["run"], { env });
    assertEquals(usage.code, 64);
    const missing = await phase(["run", "nope.wasm"], { env });
    assertEquals(missing.code, 70);
    assert(missing.stderr.includes("nope.wasm"));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
