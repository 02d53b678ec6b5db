/**
 * Real processes for integration tests: the relay (`relay/main.ts`),
 * executor nodes (`phase node`) and one-shot CLI calls, each a child
 * `deno run` on loopback with its own temporary state.
 *
 * @module
 */

const ROOT = new URL("..", import.meta.url).pathname;

/** A child process whose stdout lines are collected (and parsed when JSON). */
export class Proc {
  readonly child: Deno.ChildProcess;
  readonly lines: string[] = [];
  readonly json: Record<string, unknown>[] = [];
  stderr = "";
  #waiters: (() => void)[] = [];

  /** Spawns `deno run -A <args>` from the repository root. */
  constructor(args: string[], options: { env?: Record<string, string> } = {}) {
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", ...args],
      cwd: ROOT,
      env: { NO_COLOR: "1", ...options.env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#read(this.child.stdout, (line) => {
      this.lines.push(line);
      try {
        const value = JSON.parse(line);
        if (value && typeof value === "object") this.json.push(value);
      } catch {
        // plain text line
      }
    });
    this.#read(this.child.stderr, (line) => (this.stderr += line + "\n"));
  }

  async #read(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) {
    let buffer = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        onLine(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
      for (const w of this.#waiters.splice(0)) w();
    }
    if (buffer) onLine(buffer);
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Waits until a JSON stdout line satisfies `pred`; returns it. */
  async waitFor(
    pred: (line: Record<string, unknown>) => boolean,
    timeoutMs = 15_000,
  ): Promise<Record<string, unknown>> {
    const until = Date.now() + timeoutMs;
    while (true) {
      const hit = this.json.find(pred);
      if (hit) return hit;
      const left = until - Date.now();
      if (left <= 0) {
        throw new Error(`timed out; stdout:\n${this.lines.join("\n")}\nstderr:\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a signal (ignores an already exited process). */
  kill(signal: Deno.Signal = "SIGTERM"): void {
    try {
      this.child.kill(signal);
    } catch {
      // already exited
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`) and returns its status. */
  async stop(graceMs = 3000): Promise<Deno.CommandStatus> {
    this.kill("SIGTERM");
    const timer = setTimeout(() => this.kill("SIGKILL"), graceMs);
    const status = await this.child.status;
    clearTimeout(timer);
    return status;
  }
}

/**
 * V8 flags the relay runs with wherever it is started (task, `phase start`,
 * packages): `--optimize-for-size` cuts its memory per connection by about
 * two thirds (tests/bench/relay_memory.ts).
 */
export const RELAY_V8_FLAGS = "--optimize-for-size";

/** A relay process and where it listens. */
export interface RelayProc {
  proc: Proc;
  httpUrl: string;
  multiaddrs: string[];
  stateDir: string;
  stop(): Promise<Deno.CommandStatus>;
}

/** Starts `relay/main.ts` on free loopback ports with a temporary state dir. */
export async function startRelayProcess(
  options: {
    stateDir?: string;
    args?: string[];
    env?: Record<string, string>;
    /** V8 flags of the relay process (default: what the relay ships with). */
    v8Flags?: string;
  } = {},
): Promise<RelayProc> {
  const stateDir = options.stateDir ?? await Deno.makeTempDir({ prefix: "phase-relay-" });
  const v8Flags = options.v8Flags ?? RELAY_V8_FLAGS;
  const proc = new Proc([
    ...(v8Flags ? [`--v8-flags=${v8Flags}`] : []),
    "relay/main.ts",
    "--port",
    "0",
    "--state-dir",
    stateDir,
    "--log-format",
    "json",
    ...(options.args ?? []),
  ], { env: options.env });
  const ready = await proc.waitFor((l) => typeof l.httpUrl === "string", 20_000);
  return {
    proc,
    httpUrl: ready.httpUrl as string,
    multiaddrs: ready.multiaddrs as string[],
    stateDir,
    stop: () => proc.stop(),
  };
}

/** Starts `phase node` joined to `relayUrl`, with its own PHASE_HOME; waits until ready. */
export async function startNodeProcess(
  relayUrl: string,
  options: { slots?: number; env?: Record<string, string> } = {},
): Promise<Proc & { peerId: string }> {
  const home = await Deno.makeTempDir({ prefix: "phase-node-" });
  const proc = new Proc(
    ["cli/main.ts", "node", "--relay", relayUrl, "--slots", String(options.slots ?? 2)],
    { env: { PHASE_HOME: home, ...options.env } },
  );
  const ready = await proc.waitFor((l) => l.event === "ready", 20_000);
  return Object.assign(proc, { peerId: ready.peerId as string });
}

/** Result of a one-shot CLI call. */
export interface PhaseRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run -A cli/main.ts <args>` to completion. */
export async function phase(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<PhaseRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli/main.ts", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
