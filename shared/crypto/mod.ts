/**
 * Hashes, Ed25519 keys and signatures, key files and libp2p peer ids.
 *
 * - SHA-256 from `@noble/hashes`; Ed25519 from `@noble/curves` (sync API, the
 *   implementation libp2p ships too, so a page carries one copy).
 *   Verification is RFC 8032 strict with `@noble/ed25519`'s exact semantics
 *   (`zip215: false`: canonical encodings, small-order keys rejected,
 *   cofactored equation), computed with `@noble/curves` points, variable-time
 *   arithmetic and per-key precompute tables for recurring keys.
 * - {@linkcode signAsync} / {@linkcode verifyAsync} use WebCrypto Ed25519 when
 *   the runtime has it (several times faster in Deno) and fall back to the
 *   noble code; signatures are byte-identical (Ed25519 is deterministic).
 * - Key file: `{"publicKey":b64url,"secretKey":b64url,"type":"phase-ed25519-key","version":1}`.
 * - Peer ids: the libp2p peer id of an Ed25519 key, computed by hand.
 *
 * @module
 */

export { generateKeyPair, type KeyPair, keyPairFromSecretKey, sign, verify } from "./ed25519.ts";
export { hasWebCryptoEd25519, signAsync, verifyAsync } from "./webcrypto.ts";
export { sha256, sha256Hex } from "./sha256.ts";
export { decodeKeyFile, encodeKeyFile, KEY_FILE_TYPE, KEY_FILE_VERSION } from "./key_file.ts";
export { peerIdFromPublicKey, publicKeyFromPeerId } from "./peer_id.ts";
export { base58btcDecode, base58btcEncode } from "./base58.ts";
