// Runs jobs for `phase node` and `phase run`: maps a manifest to the
// executor's job spec and runs it in the Deno host's Worker pool (each job
// isolated, wall-clock limit enforced inside the Worker).

import type { ExecuteJob, JobInputs } from "../shared/node/mod.ts";
import type { JobManifest } from "../shared/manifest/mod.ts";
import type { JobSpec } from "../shared/executor/mod.ts";
import { DenoHost } from "./host/mod.ts";

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

/** Engine name as receipts and offers state it. */
export function engineLabel(engine: string): string {
  return engine === "jit" ? "v8" : engine;
}

/** Creates the node's {@linkcode ExecuteJob} on a pool of `slots` Workers. */
export function createExecute(
  options: { engine?: "jit" | "interp" | "auto"; slots?: number } = {},
): { execute: ExecuteJob; close(): void } {
  const host = new DenoHost(options.slots ?? 1);
  return {
    execute: async (module, manifest, inputs) => {
      const r = await host.run(module, jobSpecFor(manifest, inputs), {
        engine: options.engine ?? "jit",
        moduleKey: manifest.module.sha256,
      });
      return { ...r, engine: engineLabel(r.engine) };
    },
    close: () => host.close(),
  };
}
