/**
 * An in-memory duplex byte pipe implementing {@linkcode ByteStream}, for unit
 * tests of the channel's framing logic (the integration tests use real
 * libp2p streams).
 *
 * @module
 */

import type { ByteStream } from "../channel.ts";

class PipeEnd implements ByteStream {
  #queue: Uint8Array[] = [];
  #wake?: () => void;
  #closed = false;
  #error?: Error;
  peer!: PipeEnd;
  /** Every chunk written by this end, for tests that tamper with bytes. */
  tap?: (chunk: Uint8Array) => Uint8Array;

  push(chunk: Uint8Array | null, error?: Error): void {
    if (error) this.#error = error;
    if (chunk === null) this.#closed = true;
    else this.#queue.push(chunk);
    this.#wake?.();
  }

  send(data: Uint8Array): boolean {
    this.peer.push(this.tap ? this.tap(data.slice()) : data.slice());
    return true;
  }

  onDrain(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.peer.push(null);
    return Promise.resolve();
  }

  abort(err: Error): void {
    this.push(null, err);
    this.peer.push(null, err);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    while (true) {
      if (this.#queue.length > 0) {
        yield this.#queue.shift()!;
        continue;
      }
      if (this.#error) throw this.#error;
      if (this.#closed) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

/** Two connected stream ends; bytes sent on one are read from the other. */
export function memoryPipe(): [PipeEnd, PipeEnd] {
  const a = new PipeEnd();
  const b = new PipeEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
