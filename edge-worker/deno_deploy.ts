/**
 * Deno Deploy entry; runs locally with `deno serve -A edge-worker/deno_deploy.ts`.
 * Jobs run on V8's JIT (`PHASE_ENGINE=interp` selects the interpreter); the
 * wall-clock limit is enforced with `node:vm`'s timeout, which stops a guest
 * spinning in WebAssembly. `Deno.cron` (where available) re-posts the
 * worker's record to its relays; otherwise requests do.
 *
 * @module
 */

import vm from "node:vm";
import * as interpreter from "../shared/executor/interpreter/mod.ts";
import {
  canCompileWasm,
  createVmGuard,
  type Engine,
  jitEngine,
  registerInterpreter,
} from "../shared/executor/mod.ts";
import { loadEdgeConfig } from "./config.ts";
import { createEdgeHandler, type EdgeHandler, jsonError } from "./handler.ts";

const guard = createVmGuard(vm);

function pickEngine(name: string | undefined): Engine {
  const interp = registerInterpreter(interpreter);
  if (name === "interp") return interp;
  if (name === "jit") return jitEngine;
  return canCompileWasm() ? jitEngine : interp;
}

let handler: EdgeHandler | Error;
try {
  const env = Deno.env.toObject();
  const config = loadEdgeConfig(env, "deno-deploy");
  handler = createEdgeHandler(config, {
    runtime: "deno-deploy",
    engine: pickEngine(env.PHASE_ENGINE),
    guard,
  });
  const cron = (Deno as { cron?: (n: string, s: string, f: () => unknown) => unknown }).cron;
  if (config.relays.length > 0 && config.publicUrl && typeof cron === "function") {
    const h = handler;
    cron("phase-edge-announce", "*/5 * * * *", () => h.announce());
  }
} catch (err) {
  handler = err as Error;
  console.error(JSON.stringify({ level: "error", msg: `bad configuration: ${handler.message}` }));
}

export default {
  /** Serves the edge executor API. */
  fetch(req: Request): Promise<Response> | Response {
    if (handler instanceof Error) return jsonError(500, "config_invalid", handler.message);
    return handler.fetch(req);
  },
} satisfies Deno.ServeDefaultExport;
