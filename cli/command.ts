/**
 * The shape of a `phase` subcommand and shared option parsing.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { PhaseError } from "../shared/errors.ts";

/** One `phase` subcommand. */
export interface Command {
  /** Name typed after `phase`. */
  name: string;
  /** One line for `phase help`. */
  summary: string;
  /** Runs it; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/** A usage mistake (bad flag, missing argument): exit code 64. */
export class UsageError extends PhaseError {
  /** Creates the error. */
  constructor(message: string) {
    super("usage", message);
    this.name = "UsageError";
  }
}

/** Options of {@linkcode parseFlags}: node:util's option table. */
export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

/** Parses `args` against `options`; unknown flags are usage errors. Text after `--` is kept. */
export function parseFlags(
  args: string[],
  options: FlagSpec,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      allowPositionals: true,
      strict: true,
    });
    return {
      values: values as Record<string, string | boolean | string[] | undefined>,
      positionals,
    };
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** Reads an integer flag within bounds. */
export function intFlag(
  value: unknown,
  name: string,
  bounds: { min: number; max: number; fallback?: number },
): number | undefined {
  if (value === undefined) return bounds.fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < bounds.min || n > bounds.max) {
    throw new UsageError(`--${name} must be an integer in ${bounds.min}..${bounds.max}`);
  }
  return n;
}

/** Parses repeated `--env K=V` flags. */
export function envFlags(values: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of (values as string[] | undefined) ?? []) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`--env takes KEY=VALUE, got "${item}"`);
    env[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return env;
}
