import { isPhaseError } from "../errors.ts";
import { fromHex, toHex, utf8Encode } from "../encoding/mod.ts";
import { assert, assertEquals, assertFalse, assertThrows } from "../testing/mod.ts";
import {
  generateKeyPair,
  hasWebCryptoEd25519,
  keyPairFromSecretKey,
  sha256Hex,
  sign,
  signAsync,
  verify,
  verifyAsync,
} from "./mod.ts";

// RFC 8032 section 7.1, TEST 1-3.
const RFC8032 = [
  {
    secret: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    public: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature:
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc6" +
      "1e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    secret: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    public: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: "72",
    signature:
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e45" +
      "8f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    secret: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    public: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    message: "af82",
    signature:
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae" +
      "67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
];

Deno.test("sha256: FIPS 180-2 vectors", () => {
  assertEquals(
    sha256Hex(utf8Encode("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assertEquals(
    sha256Hex(new Uint8Array(0)),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assertEquals(
    sha256Hex(utf8Encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
});

Deno.test("ed25519: RFC 8032 test vectors 1-3 (sync and async paths)", async () => {
  for (const v of RFC8032) {
    const pair = keyPairFromSecretKey(fromHex(v.secret));
    assertEquals(toHex(pair.publicKey), v.public);
    const message = fromHex(v.message);
    assertEquals(toHex(sign(message, pair.secretKey)), v.signature);
    assertEquals(toHex(await signAsync(message, pair.secretKey)), v.signature);
    assert(verify(fromHex(v.signature), message, pair.publicKey));
    assert(await verifyAsync(fromHex(v.signature), message, pair.publicKey));
  }
});

Deno.test("ed25519: sign/verify round trip, tampering and malformed inputs", async () => {
  const pair = generateKeyPair();
  const other = generateKeyPair();
  const message = utf8Encode("hello phase");
  const signature = sign(message, pair.secretKey);
  assert(verify(signature, message, pair.publicKey));
  assertFalse(verify(signature, utf8Encode("hello phasE"), pair.publicKey));
  assertFalse(verify(signature, message, other.publicKey));
  for (let i = 0; i < 64; i += 7) {
    const bad = signature.slice();
    bad[i] ^= 1;
    assertFalse(verify(bad, message, pair.publicKey), `flip ${i}`);
    assertFalse(await verifyAsync(bad, message, pair.publicKey), `async flip ${i}`);
  }
  assertFalse(verify(signature.subarray(0, 63), message, pair.publicKey));
  assertFalse(verify(signature, message, pair.publicKey.subarray(0, 31)));
  assertFalse(verify(signature, message, new Uint8Array(32).fill(0xff)));
  assertFalse(await verifyAsync(signature, message, new Uint8Array(32).fill(0xff)));
  // Non-canonical S (S + L) must be rejected by both paths.
  const L = fromHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  const malleable = signature.slice();
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const s = malleable[32 + i] + L[i] + carry;
    malleable[32 + i] = s & 255;
    carry = s >> 8;
  }
  assertFalse(verify(malleable, message, pair.publicKey));
  assertFalse(await verifyAsync(malleable, message, pair.publicKey));
  const err = assertThrows(() => sign(message, new Uint8Array(31)));
  assert(isPhaseError(err, "crypto_invalid_key"));
});

Deno.test("ed25519: WebCrypto and noble give identical bytes on random keys", async () => {
  const webcrypto = await hasWebCryptoEd25519();
  console.log(`WebCrypto Ed25519 available: ${webcrypto}`);
  for (let i = 0; i < 50; i++) {
    const pair = generateKeyPair();
    const message = new Uint8Array(i * 13);
    crypto.getRandomValues(message);
    const a = sign(message, pair.secretKey);
    assertEquals(await signAsync(message, pair.secretKey), a);
    assert(await verifyAsync(a, message, pair.publicKey));
  }
});
