/**
 * Cloudflare Workers entry (see wrangler.toml). Workers refuse to compile
 * WebAssembly from bytes received at run time, and `eval`/`new Function`, so
 * jobs run in Phase's own interpreter, bundled in statically, with exact fuel.
 * The configuration comes from `env` (vars and secrets, see config.ts); the
 * cron trigger re-posts the worker's record to its relays.
 *
 * @module
 */

import * as interpreter from "../shared/executor/interpreter/mod.ts";
import { registerInterpreter } from "../shared/executor/mod.ts";
import { type EdgeEnv, loadEdgeConfig } from "./config.ts";
import { createEdgeHandler, type EdgeHandler, jsonError } from "./handler.ts";

const engine = registerInterpreter(interpreter);

/** The parts of Cloudflare's ExecutionContext used here. */
interface Ctx {
  waitUntil(p: Promise<unknown>): void;
}

let current: { env: EdgeEnv; handler: EdgeHandler | Error } | undefined;

function handlerFor(env: EdgeEnv): EdgeHandler | Error {
  if (current?.env !== env) {
    let handler: EdgeHandler | Error;
    try {
      handler = createEdgeHandler(loadEdgeConfig(env, "cloudflare"), {
        runtime: "cloudflare",
        engine,
        // Workers do not advance clocks while a request computes, so a spinning
        // sleep would burn CPU until the platform limit: guest sleeps return at once.
        sleep: () => {},
      });
    } catch (err) {
      handler = err as Error;
      console.error(
        JSON.stringify({ level: "error", msg: `bad configuration: ${handler.message}` }),
      );
    }
    current = { env, handler };
  }
  return current.handler;
}

export default {
  /** Serves the edge executor API. */
  fetch(req: Request, env: EdgeEnv, ctx: Ctx): Promise<Response> | Response {
    const handler = handlerFor(env ?? {});
    if (handler instanceof Error) return jsonError(500, "config_invalid", handler.message);
    return handler.fetch(req, (p) => ctx.waitUntil(p));
  },
  /** Cron trigger: re-registers with the relays. */
  scheduled(_event: unknown, env: EdgeEnv, ctx: Ctx): void {
    const handler = handlerFor(env ?? {});
    if (!(handler instanceof Error)) ctx.waitUntil(handler.announce());
  },
};
