/**
 * The whole suite, as `deno task test` runs it: formatting, lint, type check,
 * then every `*_test.ts` in the repository. Ends with one plain line
 * `tests: N passed, N failed` so any CI can read the outcome.
 *
 * Extra arguments are passed to `deno test` (for example a path filter).
 *
 * @module
 */

import { NETNS_PREFIX } from "./_netns.ts";

const root = new URL("..", import.meta.url).pathname;

async function step(
  name: string,
  args: string[],
  options: { command?: string[] } = {},
): Promise<{ code: number; out: string }> {
  const started = performance.now();
  const argv = [...(options.command ?? []), Deno.execPath(), ...args];
  console.log(`\n=== ${name}: ${options.command?.join(" ") ?? ""} deno ${args.join(" ")}`);
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  // Stream output while keeping a copy for the summary.
  const decoder = new TextDecoder();
  let out = "";
  const pump = async (stream: ReadableStream<Uint8Array>, sink: typeof Deno.stdout) => {
    for await (const chunk of stream) {
      out += decoder.decode(chunk, { stream: true });
      await sink.write(chunk);
    }
  };
  await Promise.all([pump(child.stdout, Deno.stdout), pump(child.stderr, Deno.stderr)]);
  const { code } = await child.status;
  console.log(
    `=== ${name}: exit ${code} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { code, out };
}

// deno test ends with e.g. "ok | 12 passed (3 steps) | 0 failed (1s)".
function counts(run: { code: number; out: string }): { passed: number; failed: number } {
  const summary = run.out.match(/(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g)?.at(-1);
  const passed = summary ? Number(summary.match(/(\d+) passed/)![1]) : 0;
  let failed = summary ? Number(summary.match(/(\d+) failed/)![1]) : 0;
  if (run.code !== 0 && failed === 0) failed = 1; // crashed before its summary
  return { passed, failed };
}

const extra = Deno.args;
let failedChecks = 0;
if (extra.length === 0) {
  for (
    const [name, args] of [
      ["format", ["fmt", "--check"]],
      ["lint", ["lint"]],
      ["type check", ["check", "."]],
    ] as const
  ) {
    const { code } = await step(name, [...args]);
    if (code !== 0) failedChecks++;
  }
}

// The browser tests run in a network namespace with only `lo` (so WebRTC
// sees no other interface); everything else runs here, where the deploy
// tests may fetch the Deno runtime from npm.
const runs = [];
if (extra.length === 0) {
  runs.push(await step("tests", ["test", "--allow-all", "--ignore=tests/web"]));
  runs.push(
    await step("browser tests (netns with only lo)", ["test", "--allow-all", "tests/web"], {
      command: NETNS_PREFIX,
    }),
  );
} else {
  runs.push(await step("tests", ["test", "--allow-all", ...extra]));
}
let passed = 0;
let failed = failedChecks;
for (const run of runs) {
  const c = counts(run);
  passed += c.passed;
  failed += c.failed;
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
Deno.exit(failed > 0 ? 1 : 0);
