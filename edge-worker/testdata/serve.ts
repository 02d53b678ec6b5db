// Starts edge-worker/deno_deploy.ts with `deno serve` on a free loopback port.

const ROOT = new URL("../../", import.meta.url).pathname;

/** A running `deno serve` of the Deno Deploy entry. */
export interface Served {
  url: string;
  /** Everything the server wrote so far. */
  output: () => string;
  stop(): Promise<void>;
}

/** Starts the entry with `env` (only these variables, plus PATH/HOME) and waits until it listens. */
export async function startDenoServe(env: Record<string, string>): Promise<Served> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["serve", "-A", "--host", "127.0.0.1", "--port", "0", "edge-worker/deno_deploy.ts"],
    cwd: ROOT,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      NO_COLOR: "1",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  let resolveUrl: (url: string) => void;
  const found = new Promise<string>((r) => (resolveUrl = r));
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      const m = text.match(/Listening on (http:\/\/[^\s/]+)/);
      if (m) resolveUrl(m[1].replace("0.0.0.0", "127.0.0.1"));
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const timer = setTimeout(() => resolveUrl(""), 30_000);
  const url = await found;
  clearTimeout(timer);
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await child.status;
    await pumps;
  };
  if (!url) {
    await stop();
    throw new Error(`deno serve did not start:\n${text}`);
  }
  return { url, output: () => text, stop };
}
