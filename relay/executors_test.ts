import { assertEquals } from "../shared/testing/mod.ts";
import { generateKeyPair, type KeyPair, peerIdFromPublicKey } from "../shared/crypto/mod.ts";
import { signExecutorRecord } from "../shared/edge/mod.ts";
import { createExecutorRegistry } from "./executors.ts";
import { EDGE_LIMITS as limits } from "../shared/edge/testdata/limits.ts";

function post(body: unknown): Request {
  return new Request("http://relay/v1/executors", { method: "POST", body: JSON.stringify(body) });
}

/**
 * An HTTP server on loopback answering `/v1/info` the way an edge worker
 * does, as the executor `key` (what the registry checks a record's URL for).
 */
function infoServer(key: KeyPair): { url: string; close(): Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (new URL(req.url).pathname !== "/v1/info") return new Response("no", { status: 404 });
    return Response.json({ executorPeerId: peerIdFromPublicKey(key.publicKey) });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

function fieldsAt(url: string) {
  return { url, runtime: "cloudflare" as const, engine: "interp", limits };
}

Deno.test("registry: signed records are listed until they expire; bad ones are refused", async () => {
  const registry = createExecutorRegistry({ maxTtlMs: 60_000 });
  assertEquals(await registry.route(new Request("http://relay/other")), null);
  const key = generateKeyPair();
  const worker = infoServer(key);
  const fields = fieldsAt(worker.url);
  try {
    const now = Date.now();
    const record = signExecutorRecord(fields, key, { ttlMs: 30_000, now });
    const ok = await registry.route(post(record));
    assertEquals(ok!.status, 200);
    const listed = await (await registry.route(new Request("http://relay/v1/executors")))!.json();
    assertEquals(listed.executors, [record]);

    const codes = async (body: unknown) => {
      const res = (await registry.route(post(body)))!;
      return [res.status, (await res.json()).error.code];
    };
    assertEquals(await codes({ ...record, url: "https://evil.example" }), [
      400,
      "executor_record_bad_signature",
    ]);
    assertEquals(await codes(signExecutorRecord(fields, key, { ttlMs: 120_000 })), [
      400,
      "executor_record_invalid",
    ]);
    assertEquals(await codes(signExecutorRecord(fields, key, { ttlMs: 1000, now: now - 5000 })), [
      400,
      "executor_record_expired",
    ]);
    // An older record of the same key does not replace a newer one.
    assertEquals(
      await codes(signExecutorRecord(fields, key, { now: now - 1000, ttlMs: 30_000 })),
      [409, "executor_record_stale"],
    );
    // A newer one does, and expiry removes it from the list.
    const short = signExecutorRecord(fields, key, { ttlMs: 300, now: Date.now() });
    assertEquals((await registry.route(post(short)))!.status, 200);
    assertEquals(registry.list(), [short]);
    await new Promise((r) => setTimeout(r, 350));
    assertEquals(registry.list(), []);
  } finally {
    await worker.close();
  }
});

Deno.test("registry: a record is listed only if its URL answers as its executor", async () => {
  const registry = createExecutorRegistry({ confirmTimeoutMs: 2000 });
  const owner = generateKeyPair(), squatter = generateKeyPair();
  const worker = infoServer(owner);
  try {
    const codes = async (body: unknown) => {
      const res = (await registry.route(post(body)))!;
      return [res.status, res.ok ? "ok" : (await res.json()).error.code];
    };
    // Someone else's key claiming the worker's URL: validly signed, refused.
    assertEquals(await codes(signExecutorRecord(fieldsAt(worker.url), squatter)), [
      400,
      "executor_url_unconfirmed",
    ]);
    // A URL where nothing answers (a closed port), or not /v1/info as JSON.
    const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const deadUrl = `http://127.0.0.1:${(closed.addr as Deno.NetAddr).port}`;
    closed.close();
    assertEquals(await codes(signExecutorRecord(fieldsAt(deadUrl), squatter)), [
      400,
      "executor_url_unconfirmed",
    ]);
    assertEquals(await codes(signExecutorRecord(fieldsAt(`${worker.url}/sub`), owner)), [
      400,
      "executor_url_unconfirmed",
    ]);
    assertEquals(registry.list(), []);
    // The owner's own record is listed.
    assertEquals(await codes(signExecutorRecord(fieldsAt(worker.url), owner)), [200, "ok"]);
    assertEquals(registry.list().map((r) => r.url), [worker.url]);
  } finally {
    await worker.close();
  }
});
