import { assertEquals, assertThrows } from "../testing/mod.ts";
import { encodeFrame, FRAME_CHUNK, FRAME_MESSAGE, FrameDecoder } from "./frames.ts";
import { ProtocolError } from "./errors.ts";

Deno.test("frames survive being split at every byte boundary", () => {
  const frames = [
    encodeFrame(FRAME_MESSAGE, new TextEncoder().encode('{"a":1}')),
    encodeFrame(FRAME_CHUNK, new Uint8Array(300).fill(7)),
    encodeFrame(FRAME_CHUNK, new Uint8Array(0)),
  ];
  const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let off = 0;
  for (const f of frames) {
    all.set(f, off);
    off += f.length;
  }
  for (let cut = 0; cut <= all.length; cut++) {
    const decoder = new FrameDecoder();
    const out = [...decoder.push(all.slice(0, cut)), ...decoder.push(all.slice(cut))];
    assertEquals(out.map((f) => [f.kind, f.payload.length]), [[1, 7], [2, 300], [2, 0]]);
    assertEquals(decoder.pending, 0);
  }
});

Deno.test("oversized, empty, malformed and unknown frames are refused", () => {
  const big = encodeFrame(FRAME_CHUNK, new Uint8Array(2000));
  const err = assertThrows(
    () => new FrameDecoder({ maxFrameBytes: 1000 }).push(big),
    ProtocolError,
  );
  assertEquals(err.code, "protocol_frame_too_large");
  // The length alone is enough to refuse: no need to wait for the body.
  assertThrows(() => new FrameDecoder({ maxFrameBytes: 1000 }).push(big.subarray(0, 3)));
  assertEquals(
    assertThrows(() => new FrameDecoder().push(new Uint8Array([0])), ProtocolError).code,
    "protocol_bad_frame",
  );
  assertEquals(
    assertThrows(() => new FrameDecoder().push(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 1])))
      .message,
    "malformed frame length",
  );
  assertEquals(
    assertThrows(() => new FrameDecoder().push(new Uint8Array([2, 9, 0])), ProtocolError).code,
    "protocol_bad_frame",
  );
});
