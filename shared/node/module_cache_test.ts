import { assert, assertEquals, assertFalse } from "../testing/mod.ts";
import { ModuleCache } from "./module_cache.ts";

Deno.test("module cache evicts least recently used past its byte limit", () => {
  const cache = new ModuleCache({ maxBytes: 100 });
  cache.set("a", new Uint8Array(40));
  cache.set("b", new Uint8Array(40));
  assert(cache.get("a")); // a is now the most recent
  cache.set("c", new Uint8Array(40)); // evicts b
  assert(cache.has("a"));
  assertFalse(cache.has("b"));
  assert(cache.has("c"));
  assertEquals(cache.bytes, 80);
  cache.set("huge", new Uint8Array(101));
  assertFalse(cache.has("huge"));
  cache.set("a", new Uint8Array(10)); // replacing keeps the count right
  assertEquals(cache.bytes, 50);
  assertEquals(cache.size, 2);
});
