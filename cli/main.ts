/**
 * `phase`: the command-line client of the Phase network.
 *
 * Each subcommand lives in its own module exporting a `Command`; this file
 * only dispatches. Run `deno task phase help` for the list.
 *
 * @module
 */

import type { Command } from "./command.ts";
import { nodeCommand } from "./node_cmd.ts";
import { runCommand } from "./run_cmd.ts";
import { submitCommand } from "./submit_cmd.ts";
import { verifyCommand } from "./verify_cmd.ts";
import { statusCommand } from "./status_cmd.ts";
import { keysCommand } from "./keys_cmd.ts";
import { releaseCommand } from "./release_cmd.ts";
import { startCommand } from "./start_cmd.ts";
import { EXIT_USAGE } from "./exit_codes.ts";

/** Every subcommand, in the order `help` lists them. */
export const COMMANDS: Command[] = [
  startCommand,
  submitCommand,
  runCommand,
  nodeCommand,
  verifyCommand,
  statusCommand,
  keysCommand,
  releaseCommand,
];

/** Registers a subcommand (used by modules that add commands, e.g. `run`). */
export function registerCommand(command: Command): void {
  if (!COMMANDS.some((c) => c.name === command.name)) COMMANDS.splice(1, 0, command);
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "phase: run WebAssembly jobs on the Phase peer-to-peer network",
    "",
    "usage: deno task phase <command> [options]",
    "",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `deno task phase <command> --help` for a command's options.",
  ].join("\n");
}

/** Runs the CLI with `args`; resolves to the process exit code. */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.log(usage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`phase: unknown command "${name}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  return await command.run(rest);
}

if (import.meta.main) {
  const code = await main(Deno.args);
  Deno.exit(code);
}
