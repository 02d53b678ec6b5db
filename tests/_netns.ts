/**
 * Running under a network namespace that has only loopback, as the browser
 * tests want (WebRTC then offers no candidate on another interface). Creating
 * one needs `unshare` from util-linux and root, as in CI.
 *
 * @module
 */

/** Names of this process's network interfaces (/proc/net follows the namespace). */
export function interfaces(): string[] {
  return Deno.readTextFileSync("/proc/net/dev").split("\n").slice(2)
    .map((line) => line.split(":")[0].trim()).filter((name) => name !== "");
}

/** True when the only interface here is loopback. */
export function onlyLoopback(): boolean {
  const names = interfaces();
  return names.length === 1 && names[0] === "lo";
}

/**
 * Command prefix that runs the program after it in a new network namespace
 * with `lo` up: `[...NETNS_PREFIX, program, ...args]`.
 */
export const NETNS_PREFIX = [
  "unshare",
  "--net",
  "--",
  "sh",
  "-c",
  'ip link set lo up && exec "$0" "$@"',
];

/** Runs `deno <args>` in a new loopback-only namespace, output inherited; resolves with its exit code. */
export async function runDenoInNetns(args: string[], options: { cwd?: string } = {}) {
  const [command, ...rest] = NETNS_PREFIX;
  const out = await new Deno.Command(command, {
    args: [...rest, Deno.execPath(), ...args],
    cwd: options.cwd,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return out.code;
}
