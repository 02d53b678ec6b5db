/**
 * The executor's view of a job: what every runtime host passes to
 * `runJob`/`runJobSync` for a signed manifest and its checked inputs.
 *
 * @module
 */

import type { JobManifest } from "../manifest/mod.ts";
import type { JobSpec } from "../executor/mod.ts";
import type { JobInputs } from "./types.ts";

/** The executor's job spec for a manifest and its checked inputs. */
export function jobSpecFor(manifest: JobManifest, inputs: JobInputs): JobSpec {
  return {
    args: manifest.args,
    env: manifest.env,
    stdin: inputs.stdin,
    files: inputs.files,
    outputs: manifest.outputs,
    entry: manifest.entry,
    limits: { ...manifest.limits },
  };
}
