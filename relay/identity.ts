/**
 * The relay's persistent Ed25519 identity: a Phase key file in the state
 * directory, created with mode 0600 on first start, so the peer id stays the
 * same across restarts.
 *
 * @module
 */

import {
  decodeKeyFile,
  encodeKeyFile,
  generateKeyPair,
  type KeyPair,
} from "../shared/crypto/mod.ts";

/** Loads `<stateDir>/relay.key.json`, creating it on first start. */
export async function loadIdentity(stateDir: string): Promise<KeyPair> {
  const path = `${stateDir}/relay.key.json`;
  try {
    return decodeKeyFile(await Deno.readTextFile(path));
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await Deno.mkdir(stateDir, { recursive: true, mode: 0o700 });
  const keyPair = generateKeyPair();
  await Deno.writeTextFile(path, encodeKeyFile(keyPair), { mode: 0o600, createNew: true });
  return keyPair;
}
