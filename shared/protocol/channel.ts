/**
 * A message channel over one `/phase/job/1.0.0` stream: JSON messages with
 * binary attachments, framed by {@linkcode encodeFrame}, with back-pressure,
 * size limits and SHA-256 checks on every attachment.
 *
 * @module
 */

import { sha256Hex } from "../crypto/mod.ts";
import { ProtocolError } from "./errors.ts";
import {
  DEFAULT_MAX_FRAME_BYTES,
  encodeFrame,
  FRAME_CHUNK,
  FRAME_MESSAGE,
  FrameDecoder,
} from "./frames.ts";
import { type Attachment, decodeMessage, encodeMessage, type StreamMessage } from "./messages.ts";

/** The few stream methods the channel needs; a libp2p v3 `Stream` has them all. */
export interface ByteStream extends AsyncIterable<Uint8Array | { subarray(): Uint8Array }> {
  /** Queues bytes; false means wait for drain before sending more. */
  send(data: Uint8Array): boolean;
  /** Resolves when the stream accepts data again. */
  onDrain(options?: { signal?: AbortSignal }): Promise<void>;
  /** Closes the writable end gracefully. */
  close(options?: { signal?: AbortSignal }): Promise<void>;
  /** Tears the stream down at once. */
  abort(err: Error): void;
}

/** Binary data to attach to a message. */
export interface Blob {
  /** Attachment name (see {@linkcode Attachment}). */
  name: string;
  /** The bytes. */
  bytes: Uint8Array;
  /** Known SHA-256 (hex) of `bytes`, to skip hashing again. */
  sha256?: string;
}

/** A received message and its attachments by name. */
export interface Received<M extends StreamMessage = StreamMessage> {
  /** The validated message. */
  message: M;
  /** Attachment bytes by name; every one checked against its SHA-256. */
  blobs: Map<string, Uint8Array>;
}

/** Options of {@linkcode JobChannel}. */
export interface JobChannelOptions {
  /** Largest frame accepted; default 1 MiB + 1 KiB. */
  maxFrameBytes?: number;
  /** Largest total of attachments one message may announce; default 256 MiB. */
  maxAttachmentBytes?: number;
  /** Size of the chunk frames we send; default 256 KiB. */
  chunkBytes?: number;
}

/** Options of {@linkcode JobChannel.receive}. */
export interface ReceiveOptions {
  /** Aborts the wait (the channel stays usable). */
  signal?: AbortSignal;
  /** Gives up after this many milliseconds with `protocol_timeout`. */
  timeoutMs?: number;
}

type Waiter = {
  resolve: (r: Received) => void;
  reject: (e: unknown) => void;
};

/** Sends and receives protocol messages over one stream. */
export class JobChannel {
  readonly #stream: ByteStream;
  readonly #maxAttachmentBytes: number;
  readonly #chunkBytes: number;
  readonly #decoder: FrameDecoder;
  readonly #inbox: Received[] = [];
  readonly #waiters: Waiter[] = [];
  #ended: unknown = undefined;
  // Message whose attachments are still arriving.
  #partial?: {
    message: StreamMessage;
    attachments: Attachment[];
    index: number;
    filled: number;
    current?: Uint8Array;
    blobs: Map<string, Uint8Array>;
  };

  /** Wraps `stream`; starts reading at once. */
  constructor(stream: ByteStream, options: JobChannelOptions = {}) {
    this.#stream = stream;
    this.#maxAttachmentBytes = options.maxAttachmentBytes ?? 256 * 1024 * 1024;
    this.#chunkBytes = options.chunkBytes ?? 256 * 1024;
    this.#decoder = new FrameDecoder({
      maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    });
    this.#pump();
  }

  async #pump(): Promise<void> {
    try {
      for await (const chunk of this.#stream) {
        const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray();
        for (const frame of this.#decoder.push(bytes)) this.#onFrame(frame.kind, frame.payload);
      }
      if (this.#partial || this.#decoder.pending > 0) {
        throw new ProtocolError("protocol_truncated", "stream ended inside a message");
      }
      this.#end(new ProtocolError("protocol_closed", "the peer closed the stream"));
    } catch (err) {
      const error = err instanceof ProtocolError
        ? err
        : new ProtocolError("protocol_stream_failed", `stream failed: ${errorText(err)}`, {
          cause: err,
        });
      this.#end(error);
      if (err instanceof ProtocolError) this.#stream.abort(err);
    }
  }

  #onFrame(kind: number, payload: Uint8Array): void {
    if (kind === FRAME_MESSAGE) {
      if (this.#partial) {
        throw new ProtocolError("protocol_bad_frame", "message arrived before attachments ended");
      }
      const message = decodeMessage(payload);
      if (message.type === "announce") {
        throw new ProtocolError("protocol_invalid_message", "announce is gossip-only");
      }
      const attachments = "attachments" in message ? message.attachments : [];
      const total = attachments.reduce((sum, a) => sum + a.size, 0);
      if (total > this.#maxAttachmentBytes) {
        throw new ProtocolError(
          "protocol_message_too_large",
          `attachments of ${total} bytes exceed the ${this.#maxAttachmentBytes}-byte limit`,
        );
      }
      this.#partial = { message, attachments, index: 0, filled: 0, blobs: new Map() };
      this.#advance();
      return;
    }
    const p = this.#partial;
    if (!p || p.index >= p.attachments.length) {
      throw new ProtocolError("protocol_bad_frame", "unexpected attachment chunk");
    }
    let offset = 0;
    while (offset < payload.length) {
      if (p.index >= p.attachments.length) {
        throw new ProtocolError("protocol_bad_frame", "more attachment bytes than announced");
      }
      const a = p.attachments[p.index];
      p.current ??= new Uint8Array(a.size);
      const take = Math.min(a.size - p.filled, payload.length - offset);
      p.current.set(payload.subarray(offset, offset + take), p.filled);
      p.filled += take;
      offset += take;
      this.#advance();
    }
  }

  // Completes finished attachments (and the message once all are in).
  #advance(): void {
    const p = this.#partial!;
    while (p.index < p.attachments.length) {
      const a = p.attachments[p.index];
      p.current ??= new Uint8Array(a.size);
      if (p.filled < a.size) return;
      if (sha256Hex(p.current) !== a.sha256) {
        throw new ProtocolError(
          "protocol_attachment_mismatch",
          `attachment "${a.name}" does not match its SHA-256`,
        );
      }
      p.blobs.set(a.name, p.current);
      p.current = undefined;
      p.filled = 0;
      p.index++;
    }
    this.#partial = undefined;
    this.#deliver({ message: p.message, blobs: p.blobs });
  }

  #deliver(received: Received): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(received);
    else this.#inbox.push(received);
  }

  #end(err: unknown): void {
    if (this.#ended !== undefined) return;
    this.#ended = err;
    for (const w of this.#waiters.splice(0)) w.reject(err);
  }

  /** Why the channel ended, or undefined while it is open for reading. */
  get ended(): unknown {
    return this.#ended;
  }

  /** Waits for the next message (with its attachments). */
  receive(options: ReceiveOptions = {}): Promise<Received> {
    const queued = this.#inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#ended !== undefined) return Promise.reject(this.#ended);
    return new Promise<Received>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cleanup = () => {
        if (timer !== undefined) clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
      };
      const waiter: Waiter = {
        resolve: (r) => {
          cleanup();
          resolve(r);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      };
      const onAbort = () =>
        waiter.reject(
          new ProtocolError("protocol_aborted", "receive aborted", {
            cause: options.signal?.reason,
          }),
        );
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(
          () =>
            waiter.reject(
              new ProtocolError(
                "protocol_timeout",
                `no message within ${options.timeoutMs} ms`,
              ),
            ),
          options.timeoutMs,
        );
      }
      this.#waiters.push(waiter);
    });
  }

  /** Waits for the next message and checks its type. */
  async expect<T extends StreamMessage["type"]>(
    types: readonly T[],
    options: ReceiveOptions = {},
  ): Promise<Received<Extract<StreamMessage, { type: T }>>> {
    const received = await this.receive(options);
    const { message } = received;
    if (!(types as readonly string[]).includes(message.type)) {
      if (message.type === "error") {
        throw new ProtocolError(
          "protocol_peer_error",
          `peer reported ${message.code}: ${message.message}`,
        );
      }
      throw new ProtocolError(
        "protocol_unexpected_message",
        `expected ${types.join(" or ")}, got ${message.type}`,
      );
    }
    return received as Received<Extract<StreamMessage, { type: T }>>;
  }

  async #write(bytes: Uint8Array): Promise<void> {
    if (!this.#stream.send(bytes)) await this.#stream.onDrain();
  }

  /**
   * Sends `message`, with `blobs` as its attachments (their list in the
   * message is filled in here, so callers never get it out of step).
   */
  async send(message: StreamMessage, blobs: Blob[] = []): Promise<void> {
    if (blobs.length > 0 || "attachments" in message) {
      if (!("attachments" in message)) {
        throw new ProtocolError("protocol_invalid_message", `${message.type} takes no attachments`);
      }
      message.attachments = blobs.map((b) => ({
        name: b.name,
        size: b.bytes.length,
        sha256: b.sha256 ?? sha256Hex(b.bytes),
      }));
    }
    await this.#write(encodeFrame(FRAME_MESSAGE, encodeMessage(message)));
    for (const blob of blobs) {
      for (let off = 0; off < blob.bytes.length; off += this.#chunkBytes) {
        const piece = blob.bytes.subarray(off, off + this.#chunkBytes);
        await this.#write(encodeFrame(FRAME_CHUNK, piece));
      }
    }
  }

  /** Closes our writable end gracefully. */
  async close(): Promise<void> {
    try {
      await this.#stream.close();
    } catch {
      // Already closed or reset: nothing left to flush.
    }
  }

  /** Tears the stream down at once (e.g. on cancel or protocol error). */
  abort(reason: string): void {
    this.#stream.abort(new ProtocolError("protocol_aborted", reason));
    this.#end(new ProtocolError("protocol_aborted", reason));
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
