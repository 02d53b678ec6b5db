/**
 * Versioned messages of the Phase job protocol and their validation.
 *
 * Flow of one job (see DESIGN.md, "Network and protocol"):
 * 1. the submitter publishes an {@linkcode Announcement} on gossipsub;
 * 2. an executor with a free slot opens a `/phase/job/1.0.0` stream to the
 *    submitter and sends an {@linkcode Offer};
 * 3. the submitter answers {@linkcode Assign} (with the module if the
 *    executor lacks it, stdin and input files as attachments) or
 *    {@linkcode Decline};
 * 4. the executor runs the job and sends a {@linkcode Result} (stdout,
 *    stderr and output files as attachments, plus the signed receipt), or an
 *    {@linkcode ErrorMessage}; the submitter may send {@linkcode Cancel}.
 *
 * Executors open the stream so that only submitters need to be reachable
 * (they hold a relay reservation); executors behind any NAT can still work.
 *
 * Every message is a JSON object with `v` (protocol version, now 1) and
 * `type`. Anything else is refused with a {@linkcode ProtocolError}: unknown
 * versions with code `protocol_unsupported_version`, malformed messages with
 * `protocol_invalid_message`.
 *
 * @module
 */

import { ProtocolError } from "./errors.ts";
import { isJobStatus, type JobStatus } from "../executor/status.ts";
import {
  bool,
  fail,
  hex64,
  int,
  type Obj,
  object,
  only,
  optionalString,
  string,
  stringArray,
} from "./_check.ts";

/** Protocol version these codecs speak. */
export const PROTOCOL_VERSION = 1;
/** The libp2p stream protocol id. */
export const JOB_PROTOCOL = "/phase/job/1.0.0";
/** Largest announcement accepted from gossip, in bytes. */
export const MAX_ANNOUNCEMENT_BYTES = 64 * 1024;
/** Most attachments one message may carry (module + stdin + input files, or outputs). */
export const MAX_ATTACHMENTS = 256;

// Which executor statuses a result may carry: the executor's own list.
export { JOB_STATUSES, type JobStatus } from "../executor/status.ts";

/** Describes binary data that follows a message as chunk frames. */
export interface Attachment {
  /** `module`, `stdin`, `stdout`, `stderr`, or `file:<absolute path>`. */
  name: string;
  /** Exact byte length. */
  size: number;
  /** Lowercase hex SHA-256 of the bytes; checked on receipt. */
  sha256: string;
}

/** Gossip announcement of a job (small: the module travels separately). */
export interface Announcement {
  v: 1;
  type: "announce";
  /** The signed job manifest (validated by the manifest module). */
  manifest: Record<string, unknown>;
  /** libp2p peer id of the submitter, to open the job stream to. */
  submitter: string;
  /** Multiaddrs the submitter can be reached at (usually relay circuit addresses). */
  addrs: string[];
  /** Announcement round: raised when the submitter asks again for more executors. */
  round: number;
  /** Executor peer ids that should not offer (already tried this job). */
  exclude: string[];
}

/** An executor offers to run a job. */
export interface Offer {
  v: 1;
  type: "offer";
  jobId: string;
  round: number;
  /** Executor's libp2p peer id. */
  peerId: string;
  /** `browser`, `deno`, `cloudflare` or `deno-deploy`. */
  runtime: string;
  /** Engine that will run it, e.g. `v8` or `interp`. */
  engine: string;
  /** Whether the executor already holds the module (so it need not be sent). */
  hasModule: boolean;
  /** Free slots left after taking this job. */
  freeSlots: number;
}

/** The submitter gives the job to the executor, with inputs attached. */
export interface Assign {
  v: 1;
  type: "assign";
  jobId: string;
  /** Which attempt of this job this is (1-based), for logs. */
  attempt: number;
  attachments: Attachment[];
}

/** The submitter does not need this executor. */
export interface Decline {
  v: 1;
  type: "decline";
  jobId: string;
  reason: string;
}

/** The executor's result: outputs attached, plus the signed receipt. */
export interface Result {
  v: 1;
  type: "result";
  jobId: string;
  status: JobStatus;
  exitCode: number;
  /** Trap or error detail for non-`ok` statuses. */
  message?: string;
  /** The signed receipt (verified by the scheduler). */
  receipt: Record<string, unknown>;
  attachments: Attachment[];
}

/** Either side reports a failure that ends the stream. */
export interface ErrorMessage {
  v: 1;
  type: "error";
  jobId?: string;
  code: string;
  message: string;
}

/** The submitter no longer wants the result. */
export interface Cancel {
  v: 1;
  type: "cancel";
  jobId: string;
  reason: string;
}

/** Any message of the stream protocol. */
export type StreamMessage = Offer | Assign | Decline | Result | ErrorMessage | Cancel;
/** Any message of the protocol, including gossip. */
export type Message = StreamMessage | Announcement;

function attachments(obj: Obj, where: string): Attachment[] {
  const list = obj.attachments;
  if (!Array.isArray(list) || list.length > MAX_ATTACHMENTS) {
    fail(where, `"attachments" must be an array of at most ${MAX_ATTACHMENTS}`);
  }
  const seen = new Set<string>();
  for (const [i, item] of list.entries()) {
    const at = `${where}.attachments[${i}]`;
    const a = object(item, at);
    only(a, ["name", "size", "sha256"], at);
    const name = string(a, "name", at, 4096);
    if (!/^(module|stdin|stdout|stderr|file:\/.*)$/s.test(name)) fail(at, `bad name "${name}"`);
    if (seen.has(name)) fail(at, `duplicate name "${name}"`);
    seen.add(name);
    int(a, "size", at, 0, 2 ** 40);
    hex64(a, "sha256", at);
  }
  return list as Attachment[];
}

const PEER_ID = /^[1-9A-HJ-NP-Za-km-z]{32,128}$/;

function peerId(obj: Obj, key: string, where: string): void {
  const v = string(obj, key, where, 128);
  if (!PEER_ID.test(v)) fail(where, `"${key}" is not a peer id`);
}

/**
 * Validates a decoded JSON value as a protocol message and returns it typed.
 * Throws {@linkcode ProtocolError} for anything malformed.
 */
export function validateMessage(value: unknown): Message {
  const msg = object(value, "message");
  if (msg.v !== PROTOCOL_VERSION) {
    throw new ProtocolError(
      "protocol_unsupported_version",
      `unsupported protocol version ${JSON.stringify(msg.v)}; this node speaks ${PROTOCOL_VERSION}`,
    );
  }
  const type = msg.type;
  const where = typeof type === "string" ? type : "message";
  switch (type) {
    case "announce":
      only(msg, ["v", "type", "manifest", "submitter", "addrs", "round", "exclude"], where);
      object(msg.manifest, `${where}.manifest`);
      peerId(msg, "submitter", where);
      stringArray(msg, "addrs", where, 16);
      int(msg, "round", where, 1, 1000);
      stringArray(msg, "exclude", where, 256);
      break;
    case "offer":
      only(
        msg,
        ["v", "type", "jobId", "round", "peerId", "runtime", "engine", "hasModule", "freeSlots"],
        where,
      );
      hex64(msg, "jobId", where);
      int(msg, "round", where, 1, 1000);
      peerId(msg, "peerId", where);
      string(msg, "runtime", where, 32);
      string(msg, "engine", where, 32);
      bool(msg, "hasModule", where);
      int(msg, "freeSlots", where, 0, 1_000_000);
      break;
    case "assign":
      only(msg, ["v", "type", "jobId", "attempt", "attachments"], where);
      hex64(msg, "jobId", where);
      int(msg, "attempt", where, 1, 1000);
      attachments(msg, where);
      break;
    case "decline":
    case "cancel":
      only(msg, ["v", "type", "jobId", "reason"], where);
      hex64(msg, "jobId", where);
      string(msg, "reason", where, 1024);
      break;
    case "result": {
      only(
        msg,
        ["v", "type", "jobId", "status", "exitCode", "message", "receipt", "attachments"],
        where,
      );
      hex64(msg, "jobId", where);
      if (!isJobStatus(msg.status)) {
        fail(where, `unknown status ${JSON.stringify(msg.status)}`);
      }
      int(msg, "exitCode", where, -(2 ** 31), 2 ** 32);
      optionalString(msg, "message", where);
      object(msg.receipt, `${where}.receipt`);
      attachments(msg, where);
      break;
    }
    case "error":
      only(msg, ["v", "type", "jobId", "code", "message"], where);
      if (msg.jobId !== undefined) hex64(msg, "jobId", where);
      string(msg, "code", where, 64);
      string(msg, "message", where, 4096);
      break;
    default:
      fail("message", `unknown type ${JSON.stringify(type)}`);
  }
  return msg as unknown as Message;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Encodes a message as UTF-8 JSON (after validating it, so we never send junk). */
export function encodeMessage(msg: Message): Uint8Array {
  validateMessage(msg);
  return encoder.encode(JSON.stringify(msg));
}

/** Decodes and validates a UTF-8 JSON message. */
export function decodeMessage(bytes: Uint8Array): Message {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw new ProtocolError("protocol_invalid_message", "message is not UTF-8 JSON", {
      cause: err,
    });
  }
  return validateMessage(value);
}

/**
 * Decodes a gossip announcement, enforcing {@linkcode MAX_ANNOUNCEMENT_BYTES}.
 * The manifest inside is only checked to be an object here; callers validate
 * it with the manifest module.
 */
export function decodeAnnouncement(bytes: Uint8Array): Announcement {
  if (bytes.length > MAX_ANNOUNCEMENT_BYTES) {
    throw new ProtocolError(
      "protocol_message_too_large",
      `announcement of ${bytes.length} bytes exceeds ${MAX_ANNOUNCEMENT_BYTES}`,
    );
  }
  const msg = decodeMessage(bytes);
  if (msg.type !== "announce") {
    throw new ProtocolError("protocol_invalid_message", `expected announce, got ${msg.type}`);
  }
  return msg;
}

/** Gossipsub topic job announcements travel on. */
export const JOB_TOPIC = "phase/jobs/1";

/**
 * Gossip topic where web nodes post their WebRTC addresses so other tabs can
 * connect to them directly. Messages: JSON `{ peerId, addrs }`.
 */
export const PEER_TOPIC = "phase/peers/1";
