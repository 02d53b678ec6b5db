/**
 * `phase keys`: shows this machine's node key (public half and peer id).
 *
 * @module
 */

import type { Command } from "./command.ts";
import { loadNodeKey, nodeKeyPath } from "./keys.ts";
import { peerIdFromPublicKey } from "../shared/crypto/mod.ts";
import { toBase64Url } from "../shared/encoding/mod.ts";

/** `phase keys [show|path]`. */
export const keysCommand: Command = {
  name: "keys",
  summary: "show this machine's node key (created on first use)",
  async run(args) {
    const sub = args[0] ?? "show";
    if (sub === "path") {
      console.log(nodeKeyPath());
      return 0;
    }
    if (sub !== "show") {
      console.log("usage: deno task phase keys [show|path]");
      return sub === "--help" ? 0 : 64;
    }
    const keyPair = await loadNodeKey();
    console.log(`key file:   ${nodeKeyPath()}`);
    console.log(`public key: ${toBase64Url(keyPair.publicKey)}`);
    console.log(`peer id:    ${peerIdFromPublicKey(keyPair.publicKey)}`);
    return 0;
  },
};
