import { assertEquals } from "../shared/testing/mod.ts";
import { generateKeyPair } from "../shared/crypto/mod.ts";
import { signExecutorRecord } from "../shared/edge/mod.ts";
import { createExecutorRegistry } from "./executors.ts";
import { EDGE_LIMITS as limits } from "../shared/edge/testdata/limits.ts";

const fields = {
  url: "https://edge.example",
  runtime: "cloudflare" as const,
  engine: "interp",
  limits,
};

function post(body: unknown): Request {
  return new Request("http://relay/v1/executors", { method: "POST", body: JSON.stringify(body) });
}

Deno.test("registry: signed records are listed until they expire; bad ones are refused", async () => {
  const registry = createExecutorRegistry({ maxTtlMs: 60_000 });
  assertEquals(await registry.route(new Request("http://relay/other")), null);
  const key = generateKeyPair();
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
  assertEquals(await codes(signExecutorRecord(fields, key, { now: now - 1000, ttlMs: 30_000 })), [
    409,
    "executor_record_stale",
  ]);
  // A newer one does, and expiry removes it from the list.
  const short = signExecutorRecord(fields, key, { ttlMs: 300, now: Date.now() });
  assertEquals((await registry.route(post(short)))!.status, 200);
  assertEquals(registry.list(), [short]);
  await new Promise((r) => setTimeout(r, 350));
  assertEquals(registry.list(), []);
});
