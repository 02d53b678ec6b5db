// Stand-ins, in the browser bundle only, for @libp2p/crypto's RSA, secp256k1
// and ECDSA key modules (see _esbuild_keys.ts). Every Phase identity is an
// Ed25519 key, so a tab refuses the other key types with libp2p's own
// UnsupportedKeyTypeError instead of carrying ~25 KiB of code for them.

import { UnsupportedKeyTypeError } from "@libp2p/interface";

function refuse(): never {
  throw new UnsupportedKeyTypeError("Phase tabs accept Ed25519 keys only");
}

// rsa/index.js, ecdsa/index.js: object identifiers (compared, never parsed here).
export const RSAES_PKCS1_V1_5_OID = "1.2.840.113549.1.1.1";
export const ECDSA_P_256_OID = "1.2.840.10045.3.1.7";
export const ECDSA_P_384_OID = "1.3.132.0.34";
export const ECDSA_P_521_OID = "1.3.132.0.35";
// secp256k1/index.js: raw key lengths, which route raw bytes to this type.
export const privateKeyLength = 32;
export const publicKeyLength = 33;
// rsa/der.js: DER is only parsed for RSA and ECDSA keys.
export const decodeDer = refuse;
// rsa/utils.js
export const pkcs1ToRSAPrivateKey = refuse;
export const pkixToRSAPublicKey = refuse;
export const generateRSAKeyPair = refuse;
export const pkcs1MessageToRSAPrivateKey = refuse;
export const pkixMessageToRSAPublicKey = refuse;
export const jwkToRSAPrivateKey = refuse;
// secp256k1/utils.js
export const generateSecp256k1KeyPair = refuse;
export const unmarshalSecp256k1PrivateKey = refuse;
export const unmarshalSecp256k1PublicKey = refuse;
// ecdsa/utils.js, ecdsa/ecdsa.js
export const generateECDSAKeyPair = refuse;
export const pkiMessageToECDSAPrivateKey = refuse;
export const pkiMessageToECDSAPublicKey = refuse;
export const unmarshalECDSAPrivateKey = refuse;
export const unmarshalECDSAPublicKey = refuse;
/** Refuses construction like the functions above. */
export class ECDSAPrivateKey {
  constructor() {
    refuse();
  }
}
