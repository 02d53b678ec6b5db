import { peerIdFromPublicKey as libp2pPeerId } from "@libp2p/peer-id";
import { publicKeyFromRaw } from "@libp2p/crypto/keys";
import { isPhaseError } from "../errors.ts";
import { assert, assertEquals, assertMatch, assertThrows } from "../testing/mod.ts";
import {
  base58btcDecode,
  base58btcEncode,
  generateKeyPair,
  peerIdFromPublicKey,
  publicKeyFromPeerId,
} from "./mod.ts";

Deno.test("peer id: matches @libp2p/peer-id for random keys and round-trips", () => {
  for (let i = 0; i < 100; i++) {
    const { publicKey } = generateKeyPair();
    const ours = peerIdFromPublicKey(publicKey);
    assertEquals(ours, libp2pPeerId(publicKeyFromRaw(publicKey)).toString());
    assertMatch(ours, /^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/);
    assertEquals(publicKeyFromPeerId(ours), publicKey);
  }
  const zero = new Uint8Array(32);
  assertEquals(peerIdFromPublicKey(zero), libp2pPeerId(publicKeyFromRaw(zero)).toString());
});

Deno.test("peer id: rejects other peer id forms and garbage", () => {
  const good = peerIdFromPublicKey(generateKeyPair().publicKey);
  const bad = [
    "",
    "12D3KooW",
    good.slice(0, -1),
    good + "1",
    good.replace(/.$/, "0"),
    "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", // RSA/sha256 form
    "1" + good,
    "x".repeat(100),
  ];
  for (const text of bad) {
    const err = assertThrows(() => publicKeyFromPeerId(text));
    assert(isPhaseError(err, "crypto_invalid_peer_id"), text);
  }
  assert(
    isPhaseError(assertThrows(() => peerIdFromPublicKey(new Uint8Array(33))), "crypto_invalid_key"),
  );
});

Deno.test("base58btc: known values and round trips", () => {
  assertEquals(base58btcEncode(new Uint8Array(0)), "");
  assertEquals(base58btcEncode(new Uint8Array([0, 0, 1])), "112");
  assertEquals(base58btcEncode(new TextEncoder().encode("Hello World!")), "2NEpo7TZRRrLZSi2U");
  for (let n = 0; n < 40; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i < 2 ? 0 : (i * 91 + n) & 255));
    assertEquals(base58btcDecode(base58btcEncode(bytes)), bytes);
  }
  for (const bad of ["0", "O", "I", "l", "abc+"]) {
    assert(isPhaseError(assertThrows(() => base58btcDecode(bad)), "encoding_invalid_base58"));
  }
});
