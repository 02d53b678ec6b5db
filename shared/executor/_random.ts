/**
 * Random bytes for `random_get`: the host's CSPRNG, or a seeded
 * deterministic stream (SHA-256 in counter mode) so that reruns agree.
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";

/** Fills a buffer with random bytes. */
export type RandomSource = (out: Uint8Array) => void;

/** Returns the real CSPRNG when `seed` is undefined, otherwise a deterministic stream. */
export function createRandom(seed?: Uint8Array): RandomSource {
  if (seed === undefined) {
    return (out) => {
      for (let i = 0; i < out.length; i += 65536) {
        crypto.getRandomValues(
          out.subarray(i, Math.min(out.length, i + 65536)) as Uint8Array<ArrayBuffer>,
        );
      }
    };
  }
  const input = new Uint8Array(seed.length + 8);
  input.set(seed);
  const counter = new DataView(input.buffer, seed.length, 8);
  let n = 0n;
  let block = new Uint8Array(0);
  let used = 0;
  return (out) => {
    for (let i = 0; i < out.length; i++) {
      if (used === block.length) {
        counter.setBigUint64(0, n++, true);
        block = sha256(input);
        used = 0;
      }
      out[i] = block[used++];
    }
  };
}
