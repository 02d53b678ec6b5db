/**
 * Structured logs: one JSON object per line (default), or a short human
 * line per event with `pretty` (the default on a terminal).
 *
 * @module
 */

/** Log output format. */
export type LogFormat = "json" | "pretty";
/** Severity. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A logger bound to a format and a minimum level. */
export interface Logger {
  /** Writes one event. */
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

/** Creates a logger writing to stdout. */
export function createLogger(format: LogFormat, minLevel: LogLevel = "info"): Logger {
  const enc = new TextEncoder();
  return {
    log(level, msg, fields = {}) {
      if (RANK[level] < RANK[minLevel]) return;
      const time = new Date().toISOString();
      const line = format === "json"
        ? JSON.stringify({ time, level, msg, ...fields })
        : `${time.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${
          Object.keys(fields).length ? " " + JSON.stringify(fields) : ""
        }`;
      Deno.stdout.writeSync(enc.encode(line + "\n"));
    },
  };
}
