/** Small subprocess helper for the build scripts. @module */

import { PhaseError } from "../shared/errors.ts";

/** Output of {@linkcode run}. */
export interface RunResult {
  /** Exit code. */
  code: number;
  /** Captured stdout. */
  stdout: string;
  /** Captured stderr. */
  stderr: string;
}

/** Options of {@linkcode run}. */
export interface RunOptions {
  /** Working directory. */
  cwd?: string;
  /** Extra environment. */
  env?: Record<string, string>;
  /** Return a non-zero exit instead of throwing. */
  allowFailure?: boolean;
  /** Kill the process after this many milliseconds. */
  timeoutMs?: number;
}

/** Runs `cmd` with `args`, captures output; throws `PhaseError` (`dist_command_failed`) on failure. */
export async function run(
  cmd: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const timer = options.timeoutMs
    ? setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, options.timeoutMs)
    : undefined;
  const out = await child.output();
  clearTimeout(timer);
  const result = {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
  if (result.code !== 0 && !options.allowFailure) {
    throw new PhaseError(
      "dist_command_failed",
      `${cmd} ${args.join(" ")} exited ${result.code}: ${result.stderr.trim().slice(-2000)}`,
    );
  }
  return result;
}
