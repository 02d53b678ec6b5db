// The Deno Deploy entry under `deno serve` (a real subprocess on loopback),
// JIT engine with the node:vm wall-clock guard.

import { assertNoKey, edgeEnv, edgeKeys, runEdgeCases } from "./testdata/cases.ts";
import { startDenoServe } from "./testdata/serve.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("deno deploy entry under deno serve: API, admission, limits, JIT", opts, async (t) => {
  const keys = edgeKeys();
  const server = await startDenoServe(edgeEnv(keys));
  try {
    await runEdgeCases(
      t,
      { url: server.url, runtime: "deno-deploy", engine: "v8", codegen: true },
      keys,
    );
  } finally {
    await server.stop();
  }
});

Deno.test("deno deploy entry without PHASE_NODE_KEY: 500 no_key everywhere", opts, async () => {
  const server = await startDenoServe({ PHASE_OPEN: "true" });
  try {
    await assertNoKey(server.url);
  } finally {
    await server.stop();
  }
});
