/**
 * libp2p peer ids of Ed25519 keys, computed by hand.
 *
 * A libp2p Ed25519 peer id is the base58btc text of the identity multihash of
 * the protobuf `PublicKey { Type = 1 (Ed25519), Data = <32 bytes> }`:
 * `00 24 | 08 01 12 20 | key` (multihash code 0x00, length 36, then the
 * protobuf). Such ids start with `12D3KooW`. Only this (the form libp2p prints)
 * is accepted; CIDv1 peer ids are rejected.
 *
 * @module
 */

import { PhaseError } from "../errors.ts";
import { base58btcDecode, base58btcEncode } from "./base58.ts";
import { _checkKey } from "./ed25519.ts";

const PREFIX = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20];

/** The libp2p peer id string (`12D3KooW...`) of a raw 32-byte Ed25519 public key. */
export function peerIdFromPublicKey(publicKey: Uint8Array): string {
  _checkKey(publicKey, "public key");
  const bytes = new Uint8Array(38);
  bytes.set(PREFIX);
  bytes.set(publicKey, 6);
  return base58btcEncode(bytes);
}

/** The raw Ed25519 public key inside a libp2p peer id; PhaseError `crypto_invalid_peer_id` otherwise. */
export function publicKeyFromPeerId(peerId: string): Uint8Array {
  const bad = (why: string) => new PhaseError("crypto_invalid_peer_id", `peer id ${why}`);
  if (typeof peerId !== "string" || peerId.length > 64) throw bad("must be a short string");
  let bytes: Uint8Array;
  try {
    bytes = base58btcDecode(peerId);
  } catch (err) {
    throw bad(`is not base58btc (${(err as Error).message})`);
  }
  if (bytes.length !== 38 || PREFIX.some((b, i) => bytes[i] !== b)) {
    throw bad("is not an Ed25519 identity peer id");
  }
  const key = bytes.slice(6);
  if (peerIdFromPublicKey(key) !== peerId) throw bad("is not in canonical form");
  return key;
}
