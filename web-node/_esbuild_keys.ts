// An esbuild plugin for the browser bundle: @libp2p/crypto's key dispatcher
// (keys/index.js) imports RSA, secp256k1 and ECDSA support, which pulls in
// @noble/curves' Weierstrass code; Phase identities are all Ed25519, so those
// imports resolve to _key_type_stubs.ts, which refuses the other key types.

import type * as esbuild from "esbuild";

const DISPATCHER = /\/@libp2p\/crypto\/dist\/src\/keys\/index\.js$/;
const OTHER_KEY_TYPES = /^\.\/(rsa|secp256k1|ecdsa)\/[a-z0-9-]+\.js$/;

/** Resolves @libp2p/crypto's non-Ed25519 key modules to stubs that refuse those keys. */
export function ed25519OnlyKeysPlugin(): esbuild.Plugin {
  const stub = new URL("./_key_type_stubs.ts", import.meta.url).pathname;
  return {
    name: "ed25519-only-keys",
    setup(build) {
      build.onResolve({ filter: OTHER_KEY_TYPES }, (args) => {
        if (!DISPATCHER.test(args.importer)) return undefined;
        return { path: stub };
      });
    },
  };
}
