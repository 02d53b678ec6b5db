/**
 * The local node key: an Ed25519 Phase key file under `$PHASE_HOME`
 * (default `~/.config/phase`), created with mode 0600 on first use. It signs
 * the manifests this machine submits and the receipts it issues.
 *
 * @module
 */

import {
  decodeKeyFile,
  encodeKeyFile,
  generateKeyPair,
  type KeyPair,
} from "../shared/crypto/mod.ts";

/** The folder Phase keeps its local state in. */
export function phaseHome(): string {
  const explicit = Deno.env.get("PHASE_HOME");
  if (explicit) return explicit;
  const home = Deno.env.get("HOME") ?? ".";
  return `${Deno.env.get("XDG_CONFIG_HOME") ?? `${home}/.config`}/phase`;
}

/** Path of the node key file. */
export function nodeKeyPath(): string {
  return `${phaseHome()}/node.key.json`;
}

/** Loads the node key, creating it (mode 0600) the first time. */
export async function loadNodeKey(path = nodeKeyPath()): Promise<KeyPair> {
  try {
    return decodeKeyFile(await Deno.readTextFile(path));
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")) || ".", { recursive: true, mode: 0o700 });
  const keyPair = generateKeyPair();
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(tmp, encodeKeyFile(keyPair), { mode: 0o600, createNew: true });
  try {
    // Link, not rename: if another process created the key meanwhile, keep theirs.
    await Deno.link(tmp, path);
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
  } finally {
    await Deno.remove(tmp);
  }
  return decodeKeyFile(await Deno.readTextFile(path));
}
