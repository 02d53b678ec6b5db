// Cloudflare Worker entry used by workerd_test.ts: runs a job through the
// executor with the interpreter registered statically (no WebAssembly.compile,
// no eval). POST body: wasm bytes; query: args (comma-separated), fuel.
import { registerInterpreter, runJobSync } from "../../mod.ts";
import * as interp from "../mod.ts";

const engine = registerInterpreter(interp);

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const bytes = new Uint8Array(await request.arrayBuffer());
    let canCompile = true;
    try {
      new WebAssembly.Module(bytes);
    } catch {
      canCompile = false;
    }
    const args = url.searchParams.get("args")?.split(",") ?? [];
    const fuel = url.searchParams.get("fuel");
    const t = Date.now();
    const r = runJobSync(bytes, {
      args,
      clock: "deterministic",
      randomSeed: new Uint8Array(32),
      limits: fuel ? { fuel: Number(fuel) } : {},
    }, { engine });
    return Response.json({
      canCompile,
      status: r.status,
      exitCode: r.exitCode,
      stdout: new TextDecoder().decode(r.stdout),
      fuelUsed: r.fuelUsed,
      message: r.message,
      ms: Date.now() - t,
    });
  },
};
