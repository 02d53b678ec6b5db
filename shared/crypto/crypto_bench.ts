/**
 * Raw Ed25519 and SHA-256 throughput, noble vs WebCrypto.
 *
 *   deno bench shared/crypto/crypto_bench.ts
 *
 * @module
 */

import { generateKeyPair, sha256, sign, signAsync, verify, verifyAsync } from "./mod.ts";

const pair = generateKeyPair();
const message = sha256(new Uint8Array([1, 2, 3])); // receipts sign a 32-byte digest
const signature = sign(message, pair.secretKey);
const kib = new Uint8Array(1024);

Deno.bench("sha256 1 KiB", () => {
  sha256(kib);
});

Deno.bench("ed25519 sign (noble)", { group: "sign", baseline: true }, () => {
  sign(message, pair.secretKey);
});

Deno.bench("ed25519 sign (WebCrypto when present)", { group: "sign" }, async () => {
  await signAsync(message, pair.secretKey);
});

Deno.bench("ed25519 verify (noble)", { group: "verify", baseline: true }, () => {
  verify(signature, message, pair.publicKey);
});

Deno.bench("ed25519 verify (WebCrypto when present)", { group: "verify" }, async () => {
  await verifyAsync(signature, message, pair.publicKey);
});
