/**
 * `phase run FILE.wasm`: runs a module locally in the same sandbox network
 * jobs use (a Worker of the Deno host, WASI with an in-memory root, the
 * job's limits), streams its stdout/stderr, and exits with its exit code.
 * With `--json` it prints one object with the outputs and a receipt signed
 * by this machine's node key.
 *
 * @module
 */

import { type Command, envFlags, intFlag, parseFlags, UsageError } from "./command.ts";
import { DenoHost } from "./host/mod.ts";
import { loadNodeKey } from "./keys.ts";
import { encodeBytes } from "./_result_json.ts";
import { engineLabel } from "./_execute.ts";
import { readDir } from "./_files.ts";
import { EXIT_CODES_HELP, EXIT_LOCAL_ERROR, EXIT_USAGE, exitCodeFor } from "./exit_codes.ts";
import { sha256Hex } from "../shared/crypto/mod.ts";
import { buildManifest } from "../shared/manifest/mod.ts";
import { receiptFor } from "../shared/node/job_receipt.ts";

const HELP = `usage: deno task phase run FILE.wasm [options] [-- ARGS...]

Runs FILE.wasm on this machine in Phase's sandbox (WASI preview1, in-memory
filesystem, no network, no host files) and streams its stdout and stderr.

options:
  --arg A              guest argument (repeatable; ARGS after -- are appended)
  --env K=V            guest environment variable (repeatable)
  --dir HOSTDIR        copy HOSTDIR's files into the guest's root (/); the guest never
                       touches HOSTDIR itself
  --stdin FILE         file to feed as stdin
  --output PATH        guest file to collect after the run (repeatable; in --json)
  --memory-mb N        memory limit (default 256)
  --timeout-ms N       wall-clock limit (default 30000)
  --max-output-bytes N cap on stdout + stderr + output files (default 16 MiB)
  --fuel N             instruction budget (interp engine)
  --engine E           jit (V8), interp (Phase's interpreter, exact fuel) or auto (default jit)
  --json               print one JSON object: status, exitCode, stdout, stderr, files,
                       wallMs, manifest and a receipt signed with the node key
  --help               this text

${EXIT_CODES_HELP}`;

/** Runs `phase run`; resolves to the exit code. */
export async function runLocal(args: string[]): Promise<number> {
  const dashdash = args.indexOf("--");
  const tail = dashdash >= 0 ? args.slice(dashdash + 1) : [];
  const { values, positionals } = parseFlags(dashdash >= 0 ? args.slice(0, dashdash) : args, {
    arg: { type: "string", multiple: true },
    env: { type: "string", multiple: true },
    dir: { type: "string" },
    stdin: { type: "string" },
    output: { type: "string", multiple: true },
    "memory-mb": { type: "string" },
    "timeout-ms": { type: "string" },
    "max-output-bytes": { type: "string" },
    fuel: { type: "string" },
    engine: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("give exactly one FILE.wasm");
  const engine = (values.engine as string | undefined) ?? "jit";
  if (!["jit", "interp", "auto"].includes(engine)) throw new UsageError("--engine jit|interp|auto");
  const module = await Deno.readFile(positionals[0]);
  const stdin = values.stdin ? await Deno.readFile(values.stdin as string) : undefined;
  const files = values.dir ? await readDir(values.dir as string) : new Map<string, Uint8Array>();
  const fuel = intFlag(values.fuel, "fuel", { min: 0, max: Number.MAX_SAFE_INTEGER });
  const limits = {
    memoryMb: intFlag(values["memory-mb"], "memory-mb", { min: 1, max: 4096, fallback: 256 })!,
    timeoutMs: intFlag(values["timeout-ms"], "timeout-ms", {
      min: 1,
      max: 3_600_000,
      fallback: 30_000,
    })!,
    maxOutputBytes: intFlag(values["max-output-bytes"], "max-output-bytes", {
      min: 0,
      max: 1 << 30,
      fallback: 16 << 20,
    })!,
    ...(fuel !== undefined ? { fuel } : {}),
  };
  const json = Boolean(values.json);
  const spec = {
    args: [...((values.arg as string[] | undefined) ?? []), ...tail],
    env: envFlags(values.env),
    stdin,
    files,
    outputs: (values.output as string[] | undefined) ?? [],
    limits,
  };
  const host = new DenoHost(1);
  let result;
  try {
    result = await host.run(module, spec, {
      engine: engine as "jit" | "interp" | "auto",
      onStdout: json ? undefined : (chunk) => Deno.stdout.writeSync(chunk),
      onStderr: json ? undefined : (chunk) => Deno.stderr.writeSync(chunk),
    });
  } finally {
    host.close();
  }
  if (!json) {
    if (result.status !== "ok" && result.status !== "exit") {
      console.error(`phase: ${result.status}${result.message ? `: ${result.message}` : ""}`);
    }
    return exitCodeFor(result.status, result.exitCode);
  }
  const keyPair = await loadNodeKey();
  const manifest = buildManifest({
    module: { sha256: sha256Hex(module), size: module.length },
    args: spec.args,
    env: spec.env,
    stdin: stdin ? { sha256: sha256Hex(stdin), size: stdin.length } : null,
    files: Object.fromEntries(
      [...files].map(([p, b]) => [p, { sha256: sha256Hex(b), size: b.length }]),
    ),
    outputs: spec.outputs,
    limits,
  }, keyPair);
  const receipt = receiptFor(
    manifest,
    result,
    { kind: "deno", engine: engineLabel(result.engine) },
    keyPair,
  );
  console.log(JSON.stringify(
    {
      status: result.status,
      exitCode: result.exitCode,
      ...(result.message ? { message: result.message } : {}),
      stdout: encodeBytes(result.stdout),
      stderr: encodeBytes(result.stderr),
      files: Object.fromEntries(
        Object.entries(result.files).map(([p, b]) => [p, encodeBytes(b)]),
      ),
      wallMs: result.wallMs,
      ...(result.fuelUsed !== undefined ? { fuelUsed: result.fuelUsed } : {}),
      manifest,
      receipts: [receipt],
      receipt,
    },
    null,
    2,
  ));
  return exitCodeFor(result.status, result.exitCode);
}

/** `phase run`: runs a module locally. */
export const runCommand: Command = {
  name: "run",
  summary: "run a WebAssembly module locally in the sandbox (with a signed receipt)",
  async run(args) {
    try {
      return await runLocal(args);
    } catch (err) {
      if (err instanceof UsageError) {
        console.error(`phase run: ${err.message}\n\n${HELP}`);
        return EXIT_USAGE;
      }
      console.error(`phase run: ${err instanceof Error ? err.message : err}`);
      return EXIT_LOCAL_ERROR;
    }
  },
};
