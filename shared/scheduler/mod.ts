/**
 * Submitter-side scheduling: announce, choose executors, verify receipts,
 * reach a quorum, retry until the deadline.
 *
 * @module
 */

export * from "./errors.ts";
export * from "./submitter.ts";
export * from "./edges.ts";
