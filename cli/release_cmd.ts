/**
 * `phase release ...`: release tooling (see release.ts).
 *
 * @module
 */

import type { Command } from "./command.ts";
import { releaseCommand as runRelease } from "./release.ts";

/** `phase release verify MANIFEST`: checks a downloaded release set. */
export const releaseCommand: Command = {
  name: "release",
  summary: "verify a downloaded relay release (signature and artifact hashes)",
  run: (args) => runRelease(args),
};
