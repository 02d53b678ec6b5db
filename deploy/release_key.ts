/**
 * Release key files on disk: a Phase Ed25519 key file (shared/crypto).
 * `deno run -A deploy/release_key.ts generate FILE` creates one (mode 0600).
 *
 * @module
 */

import {
  decodeKeyFile,
  encodeKeyFile,
  generateKeyPair,
  type KeyPair,
} from "../shared/crypto/mod.ts";
import { publicKeyText } from "../shared/release/mod.ts";

/** Loads the key at `path`, or creates it (mode 0600) when missing and `create` is set. */
export async function loadOrCreateReleaseKey(
  path: string,
  options: { create?: boolean } = {},
): Promise<{ keyPair: KeyPair; created: boolean }> {
  try {
    return { keyPair: decodeKeyFile(await Deno.readTextFile(path)), created: false };
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound) || !options.create) throw err;
  }
  const keyPair = generateKeyPair();
  await Deno.writeTextFile(path, encodeKeyFile(keyPair), { mode: 0o600 });
  return { keyPair, created: true };
}

if (import.meta.main) {
  const [command, path] = Deno.args;
  if (command !== "generate" || !path) {
    console.error("usage: deno run -A deploy/release_key.ts generate FILE");
    Deno.exit(2);
  }
  const { keyPair, created } = await loadOrCreateReleaseKey(path, { create: true });
  console.log(
    `${created ? "created" : "exists"}: ${path}\npublic key: ${publicKeyText(keyPair.publicKey)}`,
  );
}
