/**
 * Executor nodes: the runtime-agnostic executor side of the job protocol.
 *
 * @module
 */

export * from "./types.ts";
export * from "./module_cache.ts";
export * from "./executor_node.ts";
export * from "./job_spec.ts";
export * from "./job_receipt.ts";
