// Edge workers in the network, all real processes on loopback: a relay, the
// Cloudflare entry under workerd (registered with the relay by itself), a
// Deno node, the Deno Deploy entry under `deno serve`, and `phase submit`.

import { assert, assertEquals, assertMatch } from "../../shared/testing/mod.ts";
import { phase, startNodeProcess, startRelayProcess } from "../_processes.ts";
import { encodeKeyFile, generateKeyPair, peerIdFromPublicKey } from "../../shared/crypto/mod.ts";
import { toBase64Url } from "../../shared/encoding/mod.ts";
import { type EdgeLimits, signExecutorRecord } from "../../shared/edge/mod.ts";
import { buildCloudflareWorker } from "../../edge-worker/build.ts";
import { startDenoServe } from "../../edge-worker/testdata/serve.ts";
import { startWorkerd, type Workerd } from "../../edge-worker/testdata/workerd.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const HELLO = "tests/testdata/hello.wasm";
// Within the Cloudflare worker's default limits (64 MiB).
const SMALL = ["--memory-mb", "64"];

async function waitRegistered(relayUrl: string, peerId: string): Promise<Record<string, unknown>> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const { executors } = await (await fetch(`${relayUrl}/v1/executors`)).json();
    const hit = executors.find((e: { executorPeerId: string }) => e.executorPeerId === peerId);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the edge worker did not register with the relay");
}

Deno.test(
  "edge workers: registered with a relay, used by phase submit, agree with a Deno node",
  opts,
  async (t) => {
    const home = await Deno.makeTempDir({ prefix: "phase-edge-e2e-" });
    const submitter = generateKeyPair();
    await Deno.writeTextFile(`${home}/node.key.json`, encodeKeyFile(submitter));
    const env = { PHASE_HOME: home };
    const edgeKey = generateKeyPair();
    const edgePeer = peerIdFromPublicKey(edgeKey.publicKey);
    const relay = await startRelayProcess();
    const { code } = await buildCloudflareWorker();
    const nodes: Awaited<ReturnType<typeof startNodeProcess>>[] = [];
    let edge: Workerd | undefined;
    try {
      edge = await startWorkerd(code, {
        PHASE_NODE_KEY: encodeKeyFile(edgeKey),
        PHASE_ALLOWED_SUBMITTERS: toBase64Url(submitter.publicKey),
        PHASE_RELAYS: relay.httpUrl,
      });
      const edgeUrl = edge.url;

      await t.step("the worker registers itself with the relay (signed record, TTL)", async () => {
        // First request: no PHASE_PUBLIC_URL, so the worker announces its origin.
        assertEquals((await fetch(`${edgeUrl}/health`)).status, 200);
        const record = await waitRegistered(relay.httpUrl, edgePeer);
        assertEquals(record.url, edgeUrl);
        assertEquals(record.runtime, "cloudflare");
        assert((record.expiresAt as number) > Date.now());
        // phase status lists it.
        const status = await phase(["status", "--relay", relay.httpUrl, "--json"]);
        assertEquals(status.code, 0, status.stderr);
        const edges = JSON.parse(status.stdout).edgeExecutors;
        assertEquals(edges.map((e: { executorPeerId: string }) => e.executorPeerId), [edgePeer]);
        // A forged record is refused.
        const res = await fetch(`${relay.httpUrl}/v1/executors`, {
          method: "POST",
          body: JSON.stringify({ ...record, url: "http://127.0.0.1:1" }),
        });
        assertEquals(res.status, 400);
        assertEquals((await res.json()).error.code, "executor_record_bad_signature");
        // So is another key's validly signed record claiming the worker's URL:
        // the relay asks the URL, and the worker there names its own key.
        const squatter = signExecutorRecord(
          {
            url: edgeUrl,
            runtime: "cloudflare",
            engine: "interp",
            limits: record.limits as EdgeLimits,
          },
          generateKeyPair(),
        );
        const squat = await fetch(`${relay.httpUrl}/v1/executors`, {
          method: "POST",
          body: JSON.stringify(squatter),
        });
        assertEquals(squat.status, 400);
        assertEquals((await squat.json()).error.code, "executor_url_unconfirmed");
      });

      await t.step(
        "phase submit --relay runs on the edge worker; phase verify accepts",
        async () => {
          const out = await phase(
            ["submit", HELLO, "--relay", relay.httpUrl, "--json", ...SMALL, "--", "on-edge"],
            { env },
          );
          assertEquals(out.code, 0, out.stderr);
          const result = JSON.parse(out.stdout);
          assertEquals(result.status, "ok");
          assertMatch(result.stdout.data, /arg\[1\]=on-edge/);
          assertEquals(result.receipts.length, 1);
          assertEquals(result.receipts[0].executorPeerId, edgePeer);
          assertEquals(result.receipts[0].runtime, { kind: "cloudflare", engine: "interp" });
          const file = `${home}/result.json`;
          await Deno.writeTextFile(file, out.stdout);
          const ok = await phase(["verify", file]);
          assertEquals(ok.code, 0, ok.stdout + ok.stderr);
        },
      );

      await t.step(
        "redundancy 2 across a Deno node and the edge worker: outputs agree",
        async () => {
          nodes.push(await startNodeProcess(relay.httpUrl));
          const out = await phase(
            [
              "submit",
              HELLO,
              "--relay",
              relay.httpUrl,
              "--json",
              "--redundancy",
              "2",
              ...SMALL,
              "--",
              "x",
            ],
            { env },
          );
          assertEquals(out.code, 0, out.stderr);
          const result = JSON.parse(out.stdout);
          const kinds = result.receipts.map((r: { runtime: { kind: string } }) => r.runtime.kind);
          assertEquals(kinds.sort(), ["cloudflare", "deno"]);
          assertEquals(result.receipts[0].outputSha256, result.receipts[1].outputSha256);
          assertEquals(result.disagreed, []);
        },
      );

      await t.step("phase submit --edge URL targets the Deno Deploy entry directly", async () => {
        const deployKey = generateKeyPair();
        const served = await startDenoServe({
          PHASE_NODE_KEY: encodeKeyFile(deployKey),
          PHASE_ALLOWED_SUBMITTERS: peerIdFromPublicKey(submitter.publicKey),
        });
        try {
          const out = await phase(
            ["submit", HELLO, "--edge", served.url, "--json", ...SMALL, "--", "direct"],
            { env },
          );
          assertEquals(out.code, 0, out.stderr);
          const result = JSON.parse(out.stdout);
          assertEquals(result.receipts[0].runtime, { kind: "deno-deploy", engine: "v8" });
          assertEquals(result.receipts[0].executorPeerId, peerIdFromPublicKey(deployKey.publicKey));
          // A submitter the worker does not admit gets a clear failure.
          const other = await Deno.makeTempDir({ prefix: "phase-edge-other-" });
          const refused = await phase(["submit", HELLO, "--edge", served.url], {
            env: { PHASE_HOME: other },
          });
          assertEquals(refused.code !== 0, true);
          assertMatch(refused.stderr, /submitter_not_allowed/);
          await Deno.remove(other, { recursive: true });
        } finally {
          await served.stop();
        }
      });
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
      await edge?.mf.dispose();
      await relay.stop();
      await Deno.remove(home, { recursive: true });
    }
  },
);
