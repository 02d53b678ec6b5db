/**
 * The Phase job protocol: gossip announcements and the `/phase/job/1.0.0`
 * stream protocol (length-prefixed frames, JSON messages, binary
 * attachments), all validated on receipt.
 *
 * @module
 */

export * from "./errors.ts";
export * from "./frames.ts";
export * from "./messages.ts";
export * from "./channel.ts";
export * from "./gossip.ts";
