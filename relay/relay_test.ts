// The relay as a real process: HTTP endpoints, gossip between clients,
// relayed streams, identity across restarts, relays joined together, the
// module store, and clean shutdown.

import { assert, assertEquals, assertLess, assertMatch } from "../shared/testing/mod.ts";
import { startRelayProcess } from "../tests/_processes.ts";
import { startClientNode } from "../cli/_p2p.ts";
import { generateKeyPair, sha256Hex } from "../shared/crypto/mod.ts";
import { multiaddr } from "@multiformats/multiaddr";
import { buildManifest } from "../shared/manifest/mod.ts";
import { JOB_TOPIC } from "../shared/protocol/mod.ts";
import type { PhaseLibp2p } from "../shared/node/mod.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

function announcement(submitter: string): Uint8Array {
  const manifest = buildManifest(
    { module: { sha256: "a".repeat(64), size: 10 } },
    generateKeyPair(),
  );
  return new TextEncoder().encode(JSON.stringify({
    v: 1,
    type: "announce",
    manifest,
    submitter,
    addrs: [],
    round: 1,
    exclude: [],
  }));
}

async function waitUntil(cond: () => boolean, ms = 10_000, what = "condition") {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function received(node: PhaseLibp2p): Uint8Array[] {
  const got: Uint8Array[] = [];
  node.services.pubsub.subscribe(JOB_TOPIC);
  node.services.pubsub.addEventListener("message", (e) => {
    if (e.detail.topic === JOB_TOPIC) got.push(e.detail.data);
  });
  return got;
}

Deno.test("relay answers health, status, bootstrap, metrics and serves a page", opts, async () => {
  const relay = await startRelayProcess();
  try {
    assertEquals(await (await fetch(`${relay.httpUrl}/health`)).json(), { ok: true });
    const status = await (await fetch(`${relay.httpUrl}/status`)).json();
    assertMatch(status.peerId, /^12D3KooW/);
    assertEquals(status.topics[JOB_TOPIC], 0);
    const boot = await (await fetch(`${relay.httpUrl}/bootstrap`)).json();
    assertEquals(boot.multiaddrs, relay.multiaddrs);
    assert(boot.multiaddrs[0].endsWith(`/p2p/${status.peerId}`));
    const metrics = await (await fetch(`${relay.httpUrl}/metrics`)).text();
    assertMatch(metrics, /^phase_relay_connections \d+$/m);
    assertMatch(metrics, /^# TYPE phase_relay_jobs_seen_total counter$/m);
    const page = await fetch(`${relay.httpUrl}/`);
    assertEquals(page.status, 200);
    assertMatch(await page.text(), /Phase/);
    const missing = await fetch(`${relay.httpUrl}/nope`);
    assertEquals(missing.status, 404);
    assertEquals((await missing.json()).error.code, "not_found");
    // One port: libp2p's WebSockets listen where HTTP answers.
    const httpPort = new URL(relay.httpUrl).port;
    assertMatch(boot.multiaddrs[0], new RegExp(`/tcp/${httpPort}/ws/`));
  } finally {
    await relay.stop();
  }
});

Deno.test("--ws-port puts libp2p on a port of its own; both work", opts, async () => {
  const relay = await startRelayProcess({ args: ["--ws-port", "0"] });
  try {
    const httpPort = new URL(relay.httpUrl).port;
    const wsPort = relay.multiaddrs[0].match(/\/tcp\/(\d+)\/ws/)![1];
    assert(wsPort !== httpPort, `${wsPort} vs ${httpPort}`);
    assertEquals(await (await fetch(`${relay.httpUrl}/health`)).json(), { ok: true });
    const node = await startClientNode(generateKeyPair(), {
      relays: relay.multiaddrs,
      reserve: true,
    });
    assert(node.getMultiaddrs().some((a) => a.toString().includes(`/tcp/${wsPort}/ws/`)));
    await node.stop();
  } finally {
    await relay.stop();
  }
});

Deno.test("gossip flows between clients; malformed announcements are dropped", opts, async () => {
  const relay = await startRelayProcess();
  const a = await startClientNode(generateKeyPair(), { relays: relay.multiaddrs, reserve: false });
  const b = await startClientNode(generateKeyPair(), { relays: relay.multiaddrs, reserve: false });
  try {
    const got = received(b);
    await waitUntil(
      () => a.services.pubsub.getSubscribers(JOB_TOPIC).length > 0,
      10_000,
      "relay subscription",
    );
    // The relay adds b to its mesh on a heartbeat: publish until one arrives.
    const good = announcement(a.peerId.toString());
    const until = Date.now() + 10_000;
    let published = 0;
    while (got.length === 0 && Date.now() < until) {
      published++;
      await a.services.pubsub.publish(JOB_TOPIC, good);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert(got.length > 0, "a valid announcement reached the other client");
    assertEquals(got[0], good);
    const before = got.length;
    await a.services.pubsub.publish(JOB_TOPIC, new TextEncoder().encode("not an announcement"));
    await new Promise((r) => setTimeout(r, 500));
    assertEquals(got.length, before); // the junk never arrived
    // Every valid announcement was counted, the junk was not.
    const status = await (await fetch(`${relay.httpUrl}/status`)).json();
    assertEquals(status.jobsSeen, published);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await relay.stop();
  }
});

Deno.test("a relayed /p2p-circuit stream carries 4 MB intact", opts, async () => {
  const relay = await startRelayProcess();
  const listener = await startClientNode(generateKeyPair(), {
    relays: relay.multiaddrs,
    reserve: true,
  });
  const dialer = await startClientNode(generateKeyPair(), {
    relays: relay.multiaddrs,
    reserve: false,
  });
  try {
    await listener.handle("/phase/test-echo/1.0.0", async (stream) => {
      for await (const chunk of stream) {
        const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray();
        if (!stream.send(bytes)) await stream.onDrain();
      }
      await stream.close();
    }, { runOnLimitedConnection: true });
    const circuit = listener.getMultiaddrs().find((m) => m.toString().includes("/p2p-circuit"))!;
    const stream = await dialer.dialProtocol(
      multiaddr(circuit.toString()),
      "/phase/test-echo/1.0.0",
      {
        runOnLimitedConnection: true,
      },
    );
    const data = new Uint8Array(4 * 1024 * 1024).map((_, i) => (i * 7919) & 0xff);
    const back: Uint8Array[] = [];
    let size = 0;
    const reading = (async () => {
      for await (const chunk of stream) {
        const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray();
        back.push(bytes.slice());
        size += bytes.length;
        if (size >= data.length) break;
      }
    })();
    for (let off = 0; off < data.length; off += 64 * 1024) {
      if (!stream.send(data.subarray(off, off + 64 * 1024))) await stream.onDrain();
    }
    await reading;
    const joined = new Uint8Array(size);
    let o = 0;
    for (const c of back) {
      joined.set(c, o);
      o += c.length;
    }
    assertEquals(size, data.length);
    assertEquals(sha256Hex(joined), sha256Hex(data));
    const conn = dialer.getConnections().find((c) => c.remotePeer.equals(listener.peerId))!;
    assert(conn.limits !== undefined, "the connection is relayed");
  } finally {
    await Promise.all([listener.stop(), dialer.stop()]);
    await relay.stop();
  }
});

Deno.test("restart keeps the peer id; SIGTERM exits 0 within 2 s", opts, async () => {
  const first = await startRelayProcess();
  const peerId = first.multiaddrs[0].split("/p2p/")[1];
  const keyInfo = await Deno.stat(`${first.stateDir}/relay.key.json`);
  assertEquals(keyInfo.mode! & 0o777, 0o600);
  const t = performance.now();
  const status = await first.stop();
  assertLess(performance.now() - t, 2000);
  assertEquals(status.code, 0);
  const second = await startRelayProcess({ stateDir: first.stateDir });
  try {
    assertEquals(second.multiaddrs[0].split("/p2p/")[1], peerId);
  } finally {
    await second.stop();
  }
});

Deno.test("two relays joined with --bootstrap carry gossip across", opts, async () => {
  const one = await startRelayProcess();
  const two = await startRelayProcess({ args: ["--bootstrap", one.multiaddrs[0]] });
  const a = await startClientNode(generateKeyPair(), { relays: one.multiaddrs, reserve: false });
  const b = await startClientNode(generateKeyPair(), { relays: two.multiaddrs, reserve: false });
  try {
    const got = received(b);
    await waitUntil(
      () => a.services.pubsub.getSubscribers(JOB_TOPIC).length > 0,
      10_000,
      "subscription",
    );
    // Relay meshes form on the heartbeat; keep publishing fresh announcements until one arrives.
    const until = Date.now() + 15_000;
    while (got.length === 0 && Date.now() < until) {
      await a.services.pubsub.publish(JOB_TOPIC, announcement(a.peerId.toString()));
      await new Promise((r) => setTimeout(r, 300));
    }
    assert(got.length > 0, "gossip from relay one reached a client of relay two");
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await Promise.all([one.stop(), two.stop()]);
  }
});

Deno.test("module store: hash-checked PUT, Range GET, clear errors", opts, async () => {
  const relay = await startRelayProcess({ args: ["--max-module-bytes", "100000"] });
  try {
    const body = new Uint8Array(50_000).map((_, i) => i & 0xff);
    const name = sha256Hex(body);
    const url = `${relay.httpUrl}/v1/modules/${name}`;
    assertEquals((await fetch(url, { method: "PUT", body })).status, 201);
    const full = await fetch(url);
    assertEquals(full.status, 200);
    assertEquals(full.headers.get("etag"), `"${name}"`);
    assertMatch(full.headers.get("cache-control")!, /immutable/);
    assertEquals(new Uint8Array(await full.arrayBuffer()), body);
    const part = await fetch(url, { headers: { range: "bytes=100-199" } });
    assertEquals(part.status, 206);
    assertEquals(part.headers.get("content-range"), "bytes 100-199/50000");
    assertEquals(new Uint8Array(await part.arrayBuffer()), body.subarray(100, 200));
    const tail = await fetch(url, { headers: { range: "bytes=-10" } });
    assertEquals(new Uint8Array(await tail.arrayBuffer()), body.subarray(49_990));
    const beyond = await fetch(url, { headers: { range: "bytes=60000-" } });
    await beyond.body?.cancel();
    assertEquals(beyond.status, 416);

    const wrong = await fetch(`${relay.httpUrl}/v1/modules/${"0".repeat(64)}`, {
      method: "PUT",
      body,
    });
    assertEquals(wrong.status, 422);
    assertEquals((await wrong.json()).error.code, "hash_mismatch");
    const big = new Uint8Array(100_001);
    const tooBig = await fetch(`${relay.httpUrl}/v1/modules/${sha256Hex(big)}`, {
      method: "PUT",
      body: big,
    });
    assertEquals(tooBig.status, 413);
    assertEquals((await tooBig.json()).error.code, "module_too_large");
    const badName = await fetch(`${relay.httpUrl}/v1/modules/XYZ`, { method: "PUT", body });
    assertEquals(badName.status, 400);
    assertEquals((await badName.json()).error.code, "bad_module_name");
    const missing = await fetch(`${relay.httpUrl}/v1/modules/${"1".repeat(64)}`);
    assertEquals(missing.status, 404);
    await missing.body?.cancel();
    // Nothing half-written is left behind.
    const files = [...Deno.readDirSync(`${relay.stateDir}/modules`)].map((e) => e.name);
    assertEquals(files, [`${name}.wasm`]);
    // Served reads only (whole, range, suffix range): not the 416, the 404 or the PUTs.
    const metrics = await (await fetch(`${relay.httpUrl}/metrics`)).text();
    assertMatch(metrics, /^phase_relay_module_reads_total 3$/m);
  } finally {
    await relay.stop();
  }
});
