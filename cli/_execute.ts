// Runs jobs for `phase node`: maps a manifest to the executor's job spec and
// runs it through the Deno host (each job isolated, wall-clock enforced).

import type { ExecuteJob } from "../shared/node/mod.ts";
import type { JobManifest } from "../shared/manifest/mod.ts";
import type { JobInputs } from "../shared/node/mod.ts";
import type { JobSpec } from "../shared/executor/mod.ts";
import { runJob } from "../shared/executor/mod.ts";

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

/** Creates the node's {@linkcode ExecuteJob}. */
export function createExecute(options: { engine?: "jit" | "interp" | "auto" } = {}): ExecuteJob {
  return async (module, manifest, inputs) => {
    const r = await runJob(module, jobSpecFor(manifest, inputs), {
      engine: options.engine ?? "jit",
      moduleKey: manifest.module.sha256,
    });
    return { ...r, engine: r.engine === "jit" ? "v8" : r.engine };
  };
}
