/**
 * The whole suite, as `deno task test` runs it: formatting, lint, type check,
 * then every `*_test.ts` in the repository. Ends with one plain line
 * `tests: N passed, N failed` so any CI can read the outcome.
 *
 * Extra arguments are passed to `deno test` (for example a path filter).
 *
 * @module
 */

const root = new URL("..", import.meta.url).pathname;

async function step(name: string, args: string[]): Promise<{ code: number; out: string }> {
  const started = performance.now();
  console.log(`\n=== ${name}: deno ${args.join(" ")}`);
  const child = new Deno.Command(Deno.execPath(), {
    args,
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

const test = await step("tests", ["test", "--allow-all", ...extra]);
// deno test ends with e.g. "ok | 12 passed (3 steps) | 0 failed (1s)".
const summary = test.out.match(/(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g)?.at(-1);
const passed = summary ? Number(summary.match(/(\d+) passed/)![1]) : 0;
let failed = summary ? Number(summary.match(/(\d+) failed/)![1]) : 0;
if (test.code !== 0 && failed === 0) failed = 1; // crashed before its summary
failed += failedChecks;
console.log(`\ntests: ${passed} passed, ${failed} failed`);
Deno.exit(test.code !== 0 || failedChecks > 0 ? 1 : 0);
