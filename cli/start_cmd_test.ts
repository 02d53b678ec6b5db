// `deno task start` on this machine: relay + embedded executor node, then a
// real `phase submit` against it, then a clean Ctrl-C.

import { assertEquals, assertMatch } from "../shared/testing/mod.ts";
import { phase, Proc } from "../tests/_processes.ts";

Deno.test("phase start runs a working network; submit works right after", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const state = await Deno.makeTempDir({ prefix: "phase-start-" });
  const home = await Deno.makeTempDir({ prefix: "phase-start-home-" });
  const start = new Proc(
    ["cli/main.ts", "start", "--port", "0", "--ws-port", "0", "--state-dir", state],
    { env: { PHASE_HOME: home } },
  );
  try {
    const relayLine = await start.waitFor((l) => typeof l.httpUrl === "string", 20_000);
    await start.waitFor((l) => l.event === "ready", 20_000);
    const url = relayLine.httpUrl as string;
    const submitHome = await Deno.makeTempDir({ prefix: "phase-submitter-" });
    const run = await phase(["submit", "tests/testdata/hello.wasm", "--relay", url, "--", "hi"], {
      env: { PHASE_HOME: submitHome },
    });
    await Deno.remove(submitHome, { recursive: true });
    assertEquals(run.code, 0, run.stderr);
    assertMatch(run.stdout, /arg\[1\]=hi/);
    start.kill("SIGINT");
    assertEquals((await start.child.status).code, 0);
  } finally {
    await start.stop();
    await Deno.remove(state, { recursive: true });
    await Deno.remove(home, { recursive: true });
  }
});
