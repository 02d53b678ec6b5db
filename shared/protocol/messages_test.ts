import { assertEquals, assertThrows } from "../testing/mod.ts";
import { ProtocolError } from "./errors.ts";
import {
  decodeAnnouncement,
  decodeMessage,
  encodeMessage,
  MAX_ANNOUNCEMENT_BYTES,
  type Offer,
} from "./messages.ts";

const JOB = "a".repeat(64);
const PEER = "12D3KooWHdBUPN2ZYBUhYgDHNnhRMzgtyjnf2hFXYgvf9PqxaZbr";

const offer: Offer = {
  v: 1,
  type: "offer",
  jobId: JOB,
  round: 1,
  peerId: PEER,
  runtime: "deno",
  engine: "v8",
  hasModule: false,
  freeSlots: 3,
};

Deno.test("messages round-trip through their codec", () => {
  assertEquals(decodeMessage(encodeMessage(offer)), offer);
  const result = {
    v: 1 as const,
    type: "result" as const,
    jobId: JOB,
    status: "trap" as const,
    exitCode: 0,
    message: "unreachable",
    receipt: { any: "thing" },
    attachments: [{ name: "stdout", size: 3, sha256: "b".repeat(64) }],
  };
  assertEquals(decodeMessage(encodeMessage(result)), result);
});

function code(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return assertThrows(() => decodeMessage(bytes), ProtocolError).code;
}

Deno.test("malformed messages are refused with typed errors", () => {
  assertEquals(code({ ...offer, v: 2 }), "protocol_unsupported_version");
  assertEquals(code({ ...offer, v: undefined }), "protocol_unsupported_version");
  assertEquals(code({ ...offer, type: "gift" }), "protocol_invalid_message");
  assertEquals(code({ ...offer, extra: 1 }), "protocol_invalid_message");
  assertEquals(code({ ...offer, jobId: "A".repeat(64) }), "protocol_invalid_message");
  assertEquals(code({ ...offer, freeSlots: -1 }), "protocol_invalid_message");
  assertEquals(code({ ...offer, freeSlots: 1.5 }), "protocol_invalid_message");
  assertEquals(code({ ...offer, peerId: "not a peer id" }), "protocol_invalid_message");
  assertEquals(code({ ...offer, hasModule: "yes" }), "protocol_invalid_message");
  assertEquals(code([offer]), "protocol_invalid_message");
  assertEquals(code(null), "protocol_invalid_message");
  assertEquals(
    code({ v: 1, type: "assign", jobId: JOB, attempt: 1, attachments: [{ name: "../x" }] }),
    "protocol_invalid_message",
  );
  const dup = { name: "stdin", size: 1, sha256: "c".repeat(64) };
  assertEquals(
    code({ v: 1, type: "assign", jobId: JOB, attempt: 1, attachments: [dup, dup] }),
    "protocol_invalid_message",
  );
  assertEquals(
    assertThrows(() => decodeMessage(new Uint8Array([0xff, 0xfe])), ProtocolError).code,
    "protocol_invalid_message",
  );
});

Deno.test("announcements are size-capped and must be announcements", () => {
  const announce = {
    v: 1,
    type: "announce",
    manifest: { id: JOB },
    submitter: PEER,
    addrs: ["/ip4/127.0.0.1/tcp/1/ws"],
    round: 1,
    exclude: [],
  };
  const bytes = new TextEncoder().encode(JSON.stringify(announce));
  assertEquals(decodeAnnouncement(bytes), announce);
  const huge = new Uint8Array(MAX_ANNOUNCEMENT_BYTES + 1).fill(32);
  assertEquals(
    assertThrows(() => decodeAnnouncement(huge), ProtocolError).code,
    "protocol_message_too_large",
  );
  assertEquals(
    assertThrows(() => decodeAnnouncement(encodeMessage(offer)), ProtocolError).code,
    "protocol_invalid_message",
  );
});
