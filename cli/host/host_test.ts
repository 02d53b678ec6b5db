// Limits on the Deno host: every misbehaving guest ends with its status, and
// the host keeps working after it.

import { assert, assertEquals, assertLess, assertMatch } from "../../shared/testing/mod.ts";
import { DenoHost } from "./mod.ts";

const data = (name: string) =>
  Deno.readFile(new URL(`../../tests/testdata/${name}`, import.meta.url));

/** CPU time (user + system) this process has used, in ms, from /proc. */
function cpuMs(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return ticks * 10; // USER_HZ = 100
}

Deno.test("an infinite loop under 200 ms ends as timeout within 500 ms and stops burning CPU", async () => {
  const host = new DenoHost(1);
  try {
    // Warm the Worker so the figure is the limit, not Worker start-up.
    await host.run(await data("hello.wasm"), {});
    const loop = await data("loop.wasm");
    const t = performance.now();
    const r = await host.run(loop, { limits: { timeoutMs: 200 } });
    const elapsed = performance.now() - t;
    assertEquals(r.status, "timeout");
    assertLess(elapsed, 500);
    // Nothing keeps spinning: over the next second this process uses little CPU.
    const before = cpuMs();
    await new Promise((r) => setTimeout(r, 1000));
    assertLess(cpuMs() - before, 300, "CPU used in the second after the timeout");
    // The same Worker runs the next job.
    const next = await host.run(await data("hello.wasm"), { args: ["again"] });
    assertEquals(next.status, "ok");
    assertMatch(new TextDecoder().decode(next.stdout), /arg\[1\]=again/);
  } finally {
    host.close();
  }
});

Deno.test("memory bomb, output flood, traps, unknown import, garbage: each gets its status", async () => {
  const host = new DenoHost(2);
  const limits = { memoryMb: 32, maxOutputBytes: 64 * 1024, timeoutMs: 10_000 };
  try {
    const [bomb, flood, unreachable, divZero, unknown] = await Promise.all([
      host.run(await data("membomb.wasm"), { limits }),
      host.run(await data("flood.wasm"), { limits }),
      host.run(await data("trap_unreachable.wasm"), { limits }),
      host.run(await data("trap_div_zero.wasm"), { limits }),
      host.run(await data("unknown_import.wasm"), { limits }),
    ]);
    assertEquals(bomb.status, "memory_limit");
    assertEquals(flood.status, "output_limit");
    assert(flood.stdout.length <= limits.maxOutputBytes, "output kept within the cap");
    assertEquals(unreachable.status, "trap");
    assertMatch(unreachable.message!, /unreachable/);
    assertEquals(divZero.status, "trap");
    assertMatch(divZero.message!, /divi/);
    assertEquals(unknown.status, "unsupported_import");
    assertMatch(unknown.message!, /env\.launch_missiles/);
    const garbage = await host.run(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9, 1, 2]), {});
    assertEquals(garbage.status, "invalid_module");
    const empty = await host.run(new Uint8Array(0), {});
    assertEquals(empty.status, "invalid_module");
  } finally {
    host.close();
  }
});

Deno.test("jobs beyond the pool size wait for a free Worker", async () => {
  const host = new DenoHost(2);
  try {
    const hello = await data("hello.wasm");
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => host.run(hello, { args: [`n${i}`] })),
    );
    for (const [i, r] of results.entries()) {
      assertMatch(new TextDecoder().decode(r.stdout), new RegExp(`arg\\[1\\]=n${i}\\n`));
    }
  } finally {
    host.close();
  }
});
