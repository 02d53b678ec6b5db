// BrowserHost in Deno's Workers (the same Worker API as the page's): the real
// job Worker runs a job; a Worker that cannot load is a host failure, not a
// guest status; one that dies while running the guest is memory_limit.

import { assertEquals, assertRejects } from "../../shared/testing/mod.ts";
import { PhaseError } from "../../shared/errors.ts";
import { BrowserHost } from "./_host.ts";

const hello = await Deno.readFile(new URL("../../tests/testdata/hello.wasm", import.meta.url));
const spec = { limits: { timeoutMs: 10_000 } };

Deno.test("BrowserHost: the job Worker runs a job and the slot frees", async () => {
  const host = new BrowserHost({
    workerUrl: new URL("./job_worker.ts", import.meta.url),
    slots: 1,
  });
  try {
    const result = await host.run(hello, spec);
    assertEquals(result.status, "ok");
    assertEquals(new TextDecoder().decode(result.stdout).includes("hello"), true);
    assertEquals(host.busy, 0);
  } finally {
    host.close();
  }
});

Deno.test("BrowserHost: a Worker that fails to load rejects with host_failed, no guest status", async () => {
  const host = new BrowserHost({
    workerUrl: new URL("./testdata/missing_worker.ts", import.meta.url),
    slots: 1,
  });
  try {
    const err = await assertRejects(() => host.run(hello, spec), PhaseError);
    assertEquals((err as PhaseError).code, "host_failed");
    assertEquals(host.busy, 0);
  } finally {
    host.close();
  }
});

Deno.test("BrowserHost: a Worker that dies while running the guest ends in memory_limit", async () => {
  const host = new BrowserHost({
    workerUrl: new URL("./testdata/dies_after_start_worker.ts", import.meta.url),
    slots: 1,
  });
  try {
    const result = await host.run(hello, spec);
    assertEquals(result.status, "memory_limit");
    assertEquals(result.message?.startsWith("job worker died"), true);
    assertEquals(host.busy, 0);
  } finally {
    host.close();
  }
});
