// Runs jobs for `phase node` and `phase run`: maps a manifest to the
// executor's job spec and runs it in the Deno host's Worker pool (each job
// isolated, wall-clock limit enforced inside the Worker).

import { type ExecuteJob, jobSpecFor } from "../shared/node/mod.ts";
import { DenoHost } from "./host/mod.ts";

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
