/**
 * `deno task start`: the whole network on this machine. Starts the relay
 * (a child process: `relay/main.ts --start`, HTTP on 127.0.0.1:8080 unless
 * told otherwise) and one embedded executor node, so a browser can open the
 * web node and `phase submit` works right away. Ctrl-C stops both.
 *
 * @module
 */

import type { Command } from "./command.ts";
import { runNode } from "./node_cmd.ts";
import { EXIT_LOCAL_ERROR } from "./exit_codes.ts";

const RELAY_MAIN = new URL("../relay/main.ts", import.meta.url).pathname;
// The relay's memory per connection is mostly V8 heap headroom; sizing the
// heap for footprint cuts it by two thirds (tests/bench/relay_memory.ts).
const RELAY_V8_FLAGS = "--v8-flags=--optimize-for-size";
const WEB_BUILD = new URL("../web-node/build.ts", import.meta.url).pathname;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads lines from a stream until one is JSON carrying `httpUrl`; forwards every line. */
async function waitForListening(
  stream: ReadableStream<Uint8Array>,
): Promise<{ httpUrl: string; rest: Promise<void> }> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the relay exited before it was listening");
    buffer += value;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      console.log(line);
      try {
        const parsed = JSON.parse(line);
        if (typeof parsed?.httpUrl === "string") {
          const rest = (async () => {
            if (buffer) console.log(buffer);
            while (true) {
              const next = await reader.read();
              if (next.done) return;
              await Deno.stdout.write(new TextEncoder().encode(next.value));
            }
          })();
          return { httpUrl: parsed.httpUrl, rest };
        }
      } catch {
        // Not JSON (pretty logs): keep reading.
      }
    }
  }
}

/** `phase start`: relay + embedded executor node. */
export const startCommand: Command = {
  name: "start",
  summary: "run the network on this machine: relay (serving the web node) + an executor node",
  async run(args) {
    if (args.includes("--help")) {
      console.log(
        "usage: deno task start [relay flags...]\n\nStarts relay/main.ts with the given flags " +
          "(defaults: 127.0.0.1:8080, state in ./.phase/relay) and an executor node joined to it.",
      );
      return 0;
    }
    if (await exists(WEB_BUILD)) {
      const build = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", WEB_BUILD],
        stdout: "inherit",
        stderr: "inherit",
      }).output();
      if (!build.success) console.error("phase start: web node build failed; serving what exists");
    }
    const relay = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", RELAY_V8_FLAGS, RELAY_MAIN, "--start", "--log-format", "json", ...args],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const controller = new AbortController();
    const stop = () => controller.abort();
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
    relay.status.then(() => controller.abort());
    try {
      const { httpUrl } = await waitForListening(relay.stdout);
      console.log(
        [
          "",
          `Phase is running. Open ${httpUrl}/ in a browser to add a tab as an executor.`,
          `Submit a job:  deno task phase submit tests/testdata/hello.wasm --relay ${httpUrl} -- hi`,
          `Network:       deno task phase status --relay ${httpUrl}`,
          "Stop with Ctrl-C.",
          "",
        ].join("\n"),
      );
      return await runNode(["--relay", httpUrl], { signal: controller.signal });
    } catch (err) {
      console.error(`phase start: ${err instanceof Error ? err.message : err}`);
      return EXIT_LOCAL_ERROR;
    } finally {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
      try {
        relay.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await relay.status;
    }
  },
};
