import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import { assertEquals } from "../testing/mod.ts";
import { Rng } from "../testdata/fuzz.ts";
import { fastVerify } from "./_fast_verify.ts";
import { verifyAsync } from "./webcrypto.ts";

ed.hashes.sha512 = sha512;

function reference(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  try {
    return ed.verify(sig, msg, pub, { zip215: false });
  } catch {
    return false;
  }
}

// The eight small-order points (and the identity) as public keys / R values.
const SMALL_ORDER = [
  "0100000000000000000000000000000000000000000000000000000000000000",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "0000000000000000000000000000000000000000000000000000000000000080",
  "0000000000000000000000000000000000000000000000000000000000000000",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
  // Non-canonical encodings (y >= p).
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
].map((h) => Uint8Array.from(h.match(/../g)!, (b) => parseInt(b, 16)));

Deno.test("fast verify and verifyAsync agree with @noble/ed25519 strict mode on valid, mutated and edge inputs", async () => {
  const rng = new Rng(20261122);
  const keys = Array.from({ length: 4 }, () => {
    const secret = ed.utils.randomSecretKey();
    return { secret, pub: ed.getPublicKey(secret) };
  });
  let checked = 0;
  let valid = 0;
  for (let i = 0; i < 600; i++) {
    const key = keys[rng.int(keys.length)]; // recurring keys exercise the precompute tables
    const msg = new Uint8Array(rng.int(80));
    crypto.getRandomValues(msg);
    let sig = ed.sign(msg, key.secret);
    let pub = key.pub;
    const m = msg.slice();
    switch (rng.int(8)) {
      case 0:
        sig = sig.slice();
        sig[rng.int(64)] ^= 1 << rng.int(8);
        break;
      case 1:
        if (m.length) m[rng.int(m.length)] ^= 1;
        break;
      case 2:
        pub = SMALL_ORDER[rng.int(SMALL_ORDER.length)];
        break;
      case 3:
        sig = sig.slice();
        sig.set(SMALL_ORDER[rng.int(SMALL_ORDER.length)], 0);
        break;
      case 4: {
        // S + L (non-canonical scalar).
        sig = sig.slice();
        const L = ed25519.Point.Fn.ORDER;
        let s = 0n;
        for (let j = 63; j >= 32; j--) s = (s << 8n) | BigInt(sig[j]);
        s += L;
        for (let j = 32; j < 64; j++) {
          sig[j] = Number(s & 255n);
          s >>= 8n;
        }
        break;
      }
      case 5:
        sig = new Uint8Array(64); // all zero
        break;
      default:
        break; // untouched
    }
    const expected = reference(sig, m, pub);
    assertEquals(fastVerify(sig, m, pub), expected, `case ${i}`);
    assertEquals(await verifyAsync(sig, m, pub), expected, `async case ${i}`);
    checked++;
    if (expected) valid++;
  }
  // Small-order key with a signature crafted to pass the cofactorless equation: both reject.
  for (const pub of SMALL_ORDER) {
    const sig = new Uint8Array(64);
    sig.set(SMALL_ORDER[0], 0); // R = identity, S = 0
    const expected = reference(sig, new Uint8Array(0), pub);
    assertEquals(fastVerify(sig, new Uint8Array(0), pub), expected);
    assertEquals(await verifyAsync(sig, new Uint8Array(0), pub), expected, "async small order");
  }
  console.log(`${checked} cases, ${valid} valid`);
});
