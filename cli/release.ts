/**
 * `phase release verify MANIFEST [--dir DIR] [--key PUBKEY] [--all]`
 *
 * Checks a downloaded release: the manifest's Ed25519 signature (against
 * `--key`, base64url text or a key file path; without it against the key
 * embedded in the manifest, with a warning), then the size and SHA-256 of
 * each artifact found in DIR (default: the manifest's directory), either as
 * `DIR/{file}` or in the relay's layout `DIR/{channel}/{arch}/{file}`.
 * Artifacts not present are listed; `--all` makes a missing one an error.
 * Exit code 0 only if everything checked is intact and at least one
 * artifact was checked.
 *
 * @module
 */

import { isPhaseError, PhaseError } from "../shared/errors.ts";
import {
  parsePublicKey,
  type ReleaseArtifact,
  verifyArtifact,
  verifyReleaseManifest,
} from "../shared/release/mod.ts";

const USAGE = "usage: phase release verify MANIFEST [--dir DIR] [--key PUBKEY|KEYFILE] [--all]";

/** Options of {@linkcode releaseCommand}. */
export interface ReleaseCommandOptions {
  /** Where lines go (default console.log). */
  print?: (line: string) => void;
}

async function readKey(value: string): Promise<Uint8Array> {
  try {
    return parsePublicKey(await Deno.readTextFile(value));
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return parsePublicKey(value);
}

async function findFile(dir: string, channel: string, a: ReleaseArtifact): Promise<string | null> {
  for (const path of [`${dir}/${a.file}`, `${dir}/${channel}/${a.arch}/${a.file}`]) {
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch { /* try the next layout */ }
  }
  return null;
}

/** Runs `phase release <subcommand> ...`; returns the exit code. */
export async function releaseCommand(
  args: string[],
  options: ReleaseCommandOptions = {},
): Promise<number> {
  const print = options.print ?? ((line: string) => console.log(line));
  const [sub, ...rest] = args;
  if (sub !== "verify") {
    print(USAGE);
    return sub === undefined || sub === "--help" || sub === "-h" ? 0 : 2;
  }
  let manifestPath: string | undefined;
  let dir: string | undefined;
  let key: string | undefined;
  let all = false;
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i].split(/=(.*)/s, 2);
    if (flag === "--dir") dir = inline ?? rest[++i];
    else if (flag === "--key") key = inline ?? rest[++i];
    else if (flag === "--all") all = true;
    else if (flag === "--help" || flag === "-h") {
      print(USAGE);
      return 0;
    } else if (!flag.startsWith("-") && manifestPath === undefined) manifestPath = flag;
    else {
      print(`phase release: unexpected argument ${rest[i]}\n${USAGE}`);
      return 2;
    }
  }
  if (!manifestPath) {
    print(USAGE);
    return 2;
  }
  dir ??= manifestPath.includes("/") ? manifestPath.slice(0, manifestPath.lastIndexOf("/")) : ".";
  try {
    const trusted = key ? await readKey(key) : undefined;
    const raw = JSON.parse(await Deno.readTextFile(manifestPath));
    const manifest = verifyReleaseManifest(raw, { publicKey: trusted });
    print(
      `signature ok: ${manifest.product} ${manifest.release} (${manifest.channel}) signed by ` +
        `${manifest.publicKey}${
          trusted ? "" : " (not pinned: pass --key to trust a specific key)"
        }`,
    );
    let checked = 0;
    let failed = 0;
    for (const artifact of manifest.artifacts) {
      const path = await findFile(dir, manifest.channel, artifact);
      if (!path) {
        print(`${all ? "MISSING" : "missing"} ${artifact.arch}/${artifact.file}`);
        if (all) failed++;
        continue;
      }
      try {
        verifyArtifact(artifact, await Deno.readFile(path));
        print(`ok      ${artifact.arch}/${artifact.file} (${artifact.size} bytes)`);
        checked++;
      } catch (err) {
        if (!isPhaseError(err)) throw err;
        print(`FAILED  ${artifact.arch}/${artifact.file}: ${err.message}`);
        failed++;
      }
    }
    if (checked === 0 && failed === 0) {
      throw new PhaseError(
        "release_nothing_checked",
        `no artifact of the manifest found in ${dir}`,
      );
    }
    print(`${checked} verified, ${failed} failed`);
    return failed === 0 ? 0 : 1;
  } catch (err) {
    if (isPhaseError(err)) {
      print(`phase release verify: ${err.code}: ${err.message}`);
      return 1;
    }
    if (err instanceof Deno.errors.NotFound || err instanceof SyntaxError) {
      print(`phase release verify: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

if (import.meta.main) Deno.exit(await releaseCommand(Deno.args));
