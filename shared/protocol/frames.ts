/**
 * Length-prefixed frames for the `/phase/job/1.0.0` stream protocol.
 *
 * A frame is `varint(length) || kind || payload`, where `length` counts the
 * kind byte and the payload. Kind {@linkcode FRAME_MESSAGE} carries one
 * UTF-8 JSON message, kind {@linkcode FRAME_CHUNK} a piece of the binary
 * attachments announced by the message before it. Every frame is bounded by
 * `maxFrameBytes`, so a peer can never make us buffer more than that at once.
 *
 * @module
 */

import { ProtocolError } from "./errors.ts";
import { readVarint, varintLength, writeVarint } from "./_varint.ts";

/** Frame kind: a JSON control message. */
export const FRAME_MESSAGE = 1;
/** Frame kind: a chunk of attachment bytes. */
export const FRAME_CHUNK = 2;
/** Default cap on one frame (kind byte + payload): 1 MiB + 1 KiB of headroom. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024 + 1024;

/** One decoded frame. */
export interface Frame {
  /** {@linkcode FRAME_MESSAGE} or {@linkcode FRAME_CHUNK}. */
  kind: number;
  /** The frame's payload (a view; copy it to keep it past the next push). */
  payload: Uint8Array;
}

/** Encodes one frame. */
export function encodeFrame(kind: number, payload: Uint8Array): Uint8Array {
  const length = payload.length + 1;
  const out = new Uint8Array(varintLength(length) + length);
  let offset = writeVarint(length, out, 0);
  out[offset++] = kind;
  out.set(payload, offset);
  return out;
}

/** Options of {@linkcode FrameDecoder}. */
export interface FrameDecoderOptions {
  /** Largest frame accepted (kind byte + payload); default {@linkcode DEFAULT_MAX_FRAME_BYTES}. */
  maxFrameBytes?: number;
}

/** Incremental frame decoder: push bytes as they arrive, get whole frames out. */
export class FrameDecoder {
  #buf = new Uint8Array(0);
  #max: number;

  /** Creates a decoder enforcing `options.maxFrameBytes`. */
  constructor(options: FrameDecoderOptions = {}) {
    this.#max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes buffered that do not yet form a whole frame. */
  get pending(): number {
    return this.#buf.length;
  }

  /** Adds received bytes; returns every frame now complete, in order. */
  push(chunk: Uint8Array): Frame[] {
    let buf: Uint8Array;
    if (this.#buf.length === 0) buf = chunk;
    else {
      buf = new Uint8Array(this.#buf.length + chunk.length);
      buf.set(this.#buf);
      buf.set(chunk, this.#buf.length);
    }
    const frames: Frame[] = [];
    let offset = 0;
    while (offset < buf.length) {
      const [length, read] = readVarint(buf, offset);
      if (length < 0) throw new ProtocolError("protocol_bad_frame", "malformed frame length");
      if (read === 0) break;
      if (length === 0) throw new ProtocolError("protocol_bad_frame", "empty frame");
      if (length > this.#max) {
        throw new ProtocolError(
          "protocol_frame_too_large",
          `frame of ${length} bytes exceeds the ${this.#max}-byte limit`,
        );
      }
      if (offset + read + length > buf.length) break;
      const start = offset + read;
      const kind = buf[start];
      if (kind !== FRAME_MESSAGE && kind !== FRAME_CHUNK) {
        throw new ProtocolError("protocol_bad_frame", `unknown frame kind ${kind}`);
      }
      frames.push({ kind, payload: buf.subarray(start + 1, start + length) });
      offset = start + length;
    }
    // Keep only the unfinished tail; copy so callers' views of `chunk` stay valid.
    this.#buf = offset === buf.length ? new Uint8Array(0) : buf.slice(offset);
    return frames;
  }
}
