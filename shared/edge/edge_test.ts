import { assertEquals, assertThrows } from "../testing/mod.ts";
import { generateKeyPair } from "../crypto/mod.ts";
import { PhaseError } from "../errors.ts";
import { decodeFrame, encodeFrame, signExecutorRecord, verifyExecutorRecord } from "./mod.ts";
import { EDGE_LIMITS as limits } from "./testdata/limits.ts";

Deno.test("frame: round trip, empty parts, and every malformation is frame_invalid", () => {
  const parts: [string, Uint8Array][] = [["module", new Uint8Array([1, 2, 3])], [
    "stdin",
    new Uint8Array(0),
  ], ["file:/a b", new Uint8Array([9])]];
  const body = encodeFrame({ manifest: { x: 1 } }, parts);
  const frame = decodeFrame(body);
  assertEquals(frame.header, { manifest: { x: 1 } });
  assertEquals([...frame.parts], parts);
  const bad = [
    body.subarray(0, 7),
    new Uint8Array([...body.subarray(0, 3), 0x32, ...body.subarray(4)]),
    body.subarray(0, body.length - 1),
    new Uint8Array([...body, 0]),
    encodeFrame({ parts: 1 } as Record<string, unknown>).subarray(0, 9),
  ];
  for (const b of bad) {
    assertThrows(() => decodeFrame(b), PhaseError);
    try {
      decodeFrame(b);
    } catch (err) {
      assertEquals((err as PhaseError).code, "frame_invalid");
    }
  }
});

Deno.test("executor record: signed, verified, tamper/expiry/TTL rejected", () => {
  const key = generateKeyPair();
  const now = 1_700_000_000_000;
  const fields = {
    url: "https://w.example",
    runtime: "cloudflare" as const,
    engine: "interp",
    limits,
  };
  const r = signExecutorRecord(fields, key, { now, ttlMs: 60_000 });
  assertEquals(verifyExecutorRecord(JSON.parse(JSON.stringify(r)), { now }), r);
  const code = (v: unknown, o = { now }) => {
    try {
      verifyExecutorRecord(v, o);
      return "ok";
    } catch (err) {
      return (err as PhaseError).code;
    }
  };
  assertEquals(code({ ...r, url: "https://evil.example" }), "executor_record_bad_signature");
  assertEquals(code(r, { now: now + 61_000 }), "executor_record_expired");
  assertEquals(code({ ...r, extra: 1 }), "executor_record_invalid");
  assertEquals(code({ ...r, executorPeerId: "12D3KooWxyz" }), "executor_record_invalid");
  const long = signExecutorRecord(fields, key, { now, ttlMs: 2 * 3600_000 });
  assertEquals(code(long), "executor_record_invalid");
});
