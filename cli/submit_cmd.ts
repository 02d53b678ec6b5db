/**
 * `phase submit FILE.wasm --relay ...`: runs a module on the network and
 * prints the guest's stdout once a verified result is back.
 *
 * @module
 */

import { type Command, envFlags, intFlag, parseFlags, UsageError } from "./command.ts";
import { loadNodeKey } from "./keys.ts";
import { resolveRelays } from "./_relay_addr.ts";
import { startClientNode } from "./_p2p.ts";
import { toResultJson } from "./_result_json.ts";
import { readDir } from "./_files.ts";
import {
  EXIT_CODES_HELP,
  EXIT_JOB_FAILED,
  EXIT_LOCAL_ERROR,
  EXIT_USAGE,
  exitCodeFor,
} from "./exit_codes.ts";
import { generateKeyPair } from "../shared/crypto/mod.ts";
import { type JobInput, submitJob } from "../shared/client/mod.ts";
import {
  combineEdges,
  createSubmitter,
  type EdgeSource,
  fixedEdges,
  JobFailedError,
  type Progress,
  relayEdges,
} from "../shared/scheduler/mod.ts";
import { JOB_TOPIC } from "../shared/protocol/mod.ts";
import { isPhaseError } from "../shared/errors.ts";

const HELP =
  `usage: deno task phase submit FILE.wasm --relay URL_OR_MULTIADDR [options] [-- ARGS...]
       deno task phase submit FILE.wasm --edge URL [options] [-- ARGS...]

Runs FILE.wasm on the network: announces the job, sends the module and
inputs to executors, verifies every receipt, and prints the guest's stdout
(stderr goes to stderr). Progress goes to stderr.

options:
  --relay URL|MULTIADDR  relay to join (repeatable); an http(s) URL reads its /bootstrap
                         and the edge executors registered there (/v1/executors)
  --edge URL             edge executor (Cloudflare Worker, Deno Deploy) to run on over
                         HTTP (repeatable); tried before libp2p nodes; alone: no relay needed
  --arg A                guest argument (repeatable; ARGS after -- are appended)
  --env K=V              guest environment variable (repeatable)
  --stdin FILE           file to feed as stdin
  --dir DIR              copy DIR's files into the job's read-only root (/)
  --output PATH          guest file to bring back after the run (repeatable)
  --redundancy N         independent executors that must agree (default 1)
  --timeout-ms N         wall-clock limit of the guest (default 30000)
  --memory-mb N          memory limit of the guest (default 256)
  --max-output-bytes N   cap on stdout + stderr + output files (default 16 MiB)
  --deadline-ms N        give up after this long (default: timeout + 30 s)
  --json                 print one JSON object: outputs, status, manifest, every receipt
  --quiet                no progress on stderr
  --help                 this text

${EXIT_CODES_HELP}`;

function progressPrinter(quiet: boolean): { onProgress: (p: Progress) => void; done: () => void } {
  if (quiet) return { onProgress: () => {}, done: () => {} };
  const tty = Deno.stderr.isTerminal();
  const enc = new TextEncoder();
  const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
  let i = 0;
  const started = performance.now();
  const write = (text: string) => Deno.stderr.writeSync(enc.encode(text));
  return {
    onProgress(p) {
      const who = p.executor ? ` ${p.executor.slice(-8)}` : "";
      const line = `${p.event}${who}${p.detail ? `: ${p.detail}` : ""}`;
      const ms = (performance.now() - started).toFixed(0);
      if (tty) write(`\r\x1b[2K${frames[i++ % frames.length]} ${ms} ms ${line}`);
      else write(`phase: ${ms} ms ${line}\n`);
    },
    done() {
      if (tty) write("\r\x1b[2K");
    },
  };
}

/** Runs `phase submit`; resolves to the exit code. */
export async function runSubmit(args: string[]): Promise<number> {
  const dashdash = args.indexOf("--");
  const tail = dashdash >= 0 ? args.slice(dashdash + 1) : [];
  const { values, positionals } = parseFlags(dashdash >= 0 ? args.slice(0, dashdash) : args, {
    relay: { type: "string", multiple: true },
    edge: { type: "string", multiple: true },
    arg: { type: "string", multiple: true },
    env: { type: "string", multiple: true },
    stdin: { type: "string" },
    dir: { type: "string" },
    output: { type: "string", multiple: true },
    redundancy: { type: "string" },
    "timeout-ms": { type: "string" },
    "memory-mb": { type: "string" },
    "max-output-bytes": { type: "string" },
    "deadline-ms": { type: "string" },
    json: { type: "boolean" },
    quiet: { type: "boolean" },
    help: { type: "boolean" },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("give exactly one FILE.wasm");
  const timeoutMs = intFlag(values["timeout-ms"], "timeout-ms", {
    min: 1,
    max: 3_600_000,
    fallback: 30_000,
  })!;
  const deadlineMs = intFlag(values["deadline-ms"], "deadline-ms", {
    min: 100,
    max: 24 * 3_600_000,
    fallback: timeoutMs + 30_000,
  })!;
  const module = await Deno.readFile(positionals[0]);
  const stdin = values.stdin ? await Deno.readFile(values.stdin as string) : undefined;
  const files = values.dir ? await readDir(values.dir as string) : new Map<string, Uint8Array>();
  const job: JobInput = {
    module,
    args: [...((values.arg as string[] | undefined) ?? []), ...tail],
    env: envFlags(values.env),
    stdin,
    files,
    outputs: (values.output as string[] | undefined) ?? [],
    limits: {
      timeoutMs,
      memoryMb: intFlag(values["memory-mb"], "memory-mb", { min: 1, max: 4096, fallback: 256 }),
      maxOutputBytes: intFlag(values["max-output-bytes"], "max-output-bytes", {
        min: 0,
        max: 1 << 30,
        fallback: 16 << 20,
      }),
    },
    redundancy: intFlag(values.redundancy, "redundancy", { min: 1, max: 16, fallback: 1 }),
    deadlineMs,
  };
  const keyPair = await loadNodeKey();
  const relayValues = (values.relay as string[] | undefined) ?? [];
  const edgeUrls = (values.edge as string[] | undefined) ?? [];
  for (const url of edgeUrls) {
    if (!/^https?:\/\//.test(url)) throw new UsageError(`--edge takes an http(s) URL: ${url}`);
  }
  const sources: EdgeSource[] = [];
  if (edgeUrls.length) sources.push(fixedEdges(edgeUrls));
  let libp2p: Awaited<ReturnType<typeof startClientNode>> | undefined;
  if (relayValues.length > 0 || edgeUrls.length === 0) {
    const relay = await resolveRelays(relayValues);
    if (relay.httpUrl) sources.push(relayEdges(relay.httpUrl));
    // A fresh libp2p identity per submission: the node key may be in use by a
    // `phase node` on this machine, and two peers must not share a peer id.
    libp2p = await startClientNode(generateKeyPair(), {
      relays: relay.multiaddrs,
      reserve: true,
    });
  }
  const progress = progressPrinter(Boolean(values.quiet || values.json));
  try {
    const submitter = await createSubmitter(libp2p, {
      topic: JOB_TOPIC,
      edges: sources.length ? combineEdges(...sources) : undefined,
    });
    const result = await submitJob(submitter, job, { keyPair, onProgress: progress.onProgress });
    progress.done();
    if (values.json) {
      console.log(JSON.stringify(toResultJson(result), null, 2));
    } else {
      await Deno.stdout.write(result.output.stdout);
      await Deno.stderr.write(result.output.stderr);
      if (result.output.status !== "ok" && result.output.status !== "exit") {
        console.error(
          `phase: job ended with ${result.output.status}${
            result.message ? `: ${result.message}` : ""
          }`,
        );
      }
      if (result.disagreed.length) {
        console.error(`phase: executors that disagreed: ${result.disagreed.join(", ")}`);
      }
    }
    return exitCodeFor(result.output.status, result.output.exitCode);
  } finally {
    progress.done();
    await libp2p?.stop();
  }
}

/** `phase submit`: runs a module on the network. */
export const submitCommand: Command = {
  name: "submit",
  summary: "run a WebAssembly module on the network and verify its receipts",
  async run(args) {
    try {
      return await runSubmit(args);
    } catch (err) {
      if (err instanceof UsageError) {
        console.error(`phase submit: ${err.message}\n\n${HELP}`);
        return EXIT_USAGE;
      }
      console.error(`phase submit: ${err instanceof Error ? err.message : err}`);
      if (err instanceof JobFailedError) return EXIT_JOB_FAILED;
      return isPhaseError(err) && err.code.startsWith("relay") ? EXIT_JOB_FAILED : EXIT_LOCAL_ERROR;
    }
  },
};
