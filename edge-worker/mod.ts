/**
 * Phase's edge executor for Cloudflare Workers (`cloudflare.ts`, built with
 * {@linkcode buildCloudflareWorker} and deployed with `wrangler deploy`) and
 * Deno Deploy (`deno_deploy.ts`). Both serve the same HTTP API from
 * {@linkcode createEdgeHandler}: `POST /v1/execute`, `GET /v1/info`,
 * `GET /health`; see handler.ts for the error codes and config.ts for the
 * environment variables.
 *
 * @module
 */

export { createEdgeHandler, EDGE_VERSION, jsonError } from "./handler.ts";
export type { EdgeHandler, EdgeHandlerOptions } from "./handler.ts";
export { defaultLimits, loadEdgeConfig } from "./config.ts";
export type { EdgeConfig, EdgeEnv } from "./config.ts";
