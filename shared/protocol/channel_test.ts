import { assert, assertEquals, assertRejects } from "../testing/mod.ts";
import { sha256Hex } from "../crypto/mod.ts";
import { JobChannel } from "./channel.ts";
import { ProtocolError } from "./errors.ts";
import type { Assign } from "./messages.ts";
import { memoryPipe } from "./testdata/memory_pipe.ts";

const JOB = "d".repeat(64);

function assign(): Assign {
  return { v: 1, type: "assign", jobId: JOB, attempt: 1, attachments: [] };
}

Deno.test("a message with attachments arrives intact and hash-checked", async () => {
  const [a, b] = memoryPipe();
  const left = new JobChannel(a, { chunkBytes: 64 * 1024 });
  const right = new JobChannel(b);
  const module = new Uint8Array(4 * 1024 * 1024).map((_, i) => (i * 31) & 0xff);
  const stdin = new TextEncoder().encode("hello");
  await left.send(assign(), [
    { name: "module", bytes: module },
    { name: "stdin", bytes: stdin },
    { name: "file:/empty", bytes: new Uint8Array(0) },
  ]);
  const { message, blobs } = await right.expect(["assign"], { timeoutMs: 5000 });
  assertEquals(message.attachments.map((x) => x.name), ["module", "stdin", "file:/empty"]);
  assertEquals(message.attachments[0].sha256, sha256Hex(module));
  assertEquals(blobs.get("module"), module);
  assertEquals(blobs.get("stdin"), stdin);
  assertEquals(blobs.get("file:/empty")?.length, 0);
  await left.close();
  await assertRejects(() => right.receive(), ProtocolError, "closed");
});

Deno.test("tampered attachment bytes are caught", async () => {
  const [a, b] = memoryPipe();
  a.tap = (chunk) => {
    if (chunk.length > 1000) chunk[chunk.length - 1] ^= 1; // flip one bit of the body
    return chunk;
  };
  const left = new JobChannel(a);
  const right = new JobChannel(b);
  await left.send(assign(), [{ name: "module", bytes: new Uint8Array(5000) }]);
  const err = await assertRejects(() => right.receive({ timeoutMs: 2000 }), ProtocolError);
  assertEquals(err.code, "protocol_attachment_mismatch");
});

Deno.test("announced attachments over the limit are refused before buffering", async () => {
  const [a, b] = memoryPipe();
  const left = new JobChannel(a);
  const right = new JobChannel(b, { maxAttachmentBytes: 1000 });
  await left.send(assign(), [{ name: "module", bytes: new Uint8Array(1001) }]);
  const err = await assertRejects(() => right.receive({ timeoutMs: 2000 }), ProtocolError);
  assertEquals(err.code, "protocol_message_too_large");
});

Deno.test("a stream cut inside a message reports truncation; waits time out", async () => {
  const [a, b] = memoryPipe();
  const right = new JobChannel(b);
  const timeout = await assertRejects(() => right.receive({ timeoutMs: 20 }), ProtocolError);
  assertEquals(timeout.code, "protocol_timeout");
  a.send(new Uint8Array([10, 1, 123])); // frame of 10 bytes, only 2 arrive
  await a.close();
  const err = await assertRejects(() => right.receive({ timeoutMs: 2000 }), ProtocolError);
  assertEquals(err.code, "protocol_truncated");
  assert(right.ended);
});

Deno.test("an error message from the peer surfaces through expect()", async () => {
  const [a, b] = memoryPipe();
  const left = new JobChannel(a);
  const right = new JobChannel(b);
  await left.send({ v: 1, type: "error", jobId: JOB, code: "busy", message: "no slots" });
  const err = await assertRejects(() => right.expect(["result"]), ProtocolError);
  assertEquals(err.code, "protocol_peer_error");
  assert(err.message.includes("no slots"));
});
