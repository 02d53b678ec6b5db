// The scheduler's HTTP executor kind, in process: edge handlers served by
// Deno.serve on loopback, a submitter without libp2p (edges only).

import { assert, assertEquals, assertMatch, assertRejects } from "../../shared/testing/mod.ts";
import { encodeKeyFile, generateKeyPair, peerIdFromPublicKey } from "../../shared/crypto/mod.ts";
import { jitEngine } from "../../shared/executor/mod.ts";
import { decodeFrame, encodeFrame } from "../../shared/edge/mod.ts";
import { createSubmitter, fixedEdges, JobFailedError } from "../../shared/scheduler/mod.ts";
import { submitJob } from "../../shared/client/mod.ts";
import { createEdgeHandler, loadEdgeConfig } from "../../edge-worker/mod.ts";

const HELLO = await Deno.readFile(new URL("../testdata/hello.wasm", import.meta.url));
const opts = { sanitizeOps: false, sanitizeResources: false };

/** Serves an edge handler; `tamper` may rewrite its successful answers. */
function serveEdge(tamper?: (body: Uint8Array) => Uint8Array) {
  const key = generateKeyPair();
  const handler = createEdgeHandler(
    loadEdgeConfig({ PHASE_NODE_KEY: encodeKeyFile(key), PHASE_OPEN: "true" }, "deno-deploy"),
    { runtime: "deno-deploy", engine: jitEngine, log: () => {} },
  );
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const res = await handler.fetch(req);
    if (!tamper || !res.ok || !new URL(req.url).pathname.endsWith("/execute")) return res;
    return new Response(
      tamper(new Uint8Array(await res.arrayBuffer())) as Uint8Array<ArrayBuffer>,
      {
        headers: res.headers,
      },
    );
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    peerId: peerIdFromPublicKey(key.publicKey),
    stop: () => server.shutdown(),
  };
}

/** Swaps stdout for other bytes, keeping the receipt: a lying executor. */
function lie(body: Uint8Array): Uint8Array {
  const { header, parts } = decodeFrame(body);
  parts.set("stdout", new TextEncoder().encode("something else\n"));
  return encodeFrame(header, parts);
}

Deno.test("scheduler: redundancy 2 across two edge executors, no libp2p", opts, async () => {
  const a = serveEdge();
  const b = serveEdge();
  try {
    const submitter = await createSubmitter(undefined, {
      topic: "unused",
      edges: fixedEdges([a.url, b.url]),
    });
    const result = await submitJob(submitter, { module: HELLO, args: ["two"], redundancy: 2 }, {
      keyPair: generateKeyPair(),
    });
    assertEquals(result.agreed.sort(), [a.peerId, b.peerId].sort());
    assertMatch(new TextDecoder().decode(result.output.stdout), /arg\[1\]=two/);
    assertEquals(result.receipts.map((r) => r.runtime.kind), ["deno-deploy", "deno-deploy"]);
  } finally {
    await a.stop();
    await b.stop();
  }
});

Deno.test(
  "scheduler: a lying edge executor is caught and replaced; none left -> clear failure",
  opts,
  async () => {
    const liar = serveEdge(lie);
    const honest = serveEdge();
    try {
      const submitter = await createSubmitter(undefined, {
        topic: "unused",
        edges: fixedEdges([liar.url, honest.url]),
      });
      const result = await submitJob(submitter, { module: HELLO }, { keyPair: generateKeyPair() });
      assertEquals(result.agreed, [honest.peerId]);
      const failed = result.attempts.find((x) => x.executor === liar.peerId);
      assert(failed && failed.outcome === "failed", "the liar's attempt failed");
      assertMatch(failed.reason!, /receipt_output_mismatch/);

      const alone = await createSubmitter(undefined, {
        topic: "unused",
        edges: fixedEdges([liar.url]),
      });
      const err = await assertRejects(
        () => submitJob(alone, { module: HELLO }, { keyPair: generateKeyPair() }),
        JobFailedError,
      );
      assertEquals(err.code, "no_executors");
    } finally {
      await liar.stop();
      await honest.stop();
    }
  },
);
