// Shared by the relay benchmarks: N libp2p peers held open against a relay
// from a separate process (_relay_peers.ts), and /proc readings of the relay.

/** What the peers process reports once all are connected. */
export interface PeersReport {
  connected: number;
  ms: number;
  retries: number;
}

/** Connects `n` peers to `relayAddr` from a child process; resolves once all are up. */
export async function connectPeers(
  n: number,
  relayAddr: string,
): Promise<{ report: PeersReport; close(): Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tests/bench/_relay_peers.ts", String(n), relayAddr],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const report = JSON.parse((await reader.read()).value ?? "{}") as PeersReport;
  return {
    report,
    async close() {
      reader.releaseLock();
      await child.stdin.close();
      // Stopping hundreds of nodes can take long; the figures are already taken.
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await child.status;
      clearTimeout(timer);
    },
  };
}

/** Resident memory of process `pid`, KiB. */
export function rssKiB(pid: number): number {
  return Number(Deno.readTextFileSync(`/proc/${pid}/status`).match(/VmRSS:\s+(\d+)/)![1]);
}

/** CPU time (user + system) of process `pid`, ms. */
export function cpuMs(pid: number): number {
  // utime + stime, in clock ticks (100 per second on Linux).
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
