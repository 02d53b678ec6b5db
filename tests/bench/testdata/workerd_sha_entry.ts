// Worker for edge_bench.ts: sha256 in workerd on V8 (module compiled at
// deploy time, imported as a CompiledWasm module: the only way workerd runs
// wasm with its JIT) or on Phase's interpreter (bytes from the request body).
// Query: engine=v8|interp, mib=N. Answers { out, fuel }.
// @ts-ignore: resolved by workerd as a CompiledWasm module
import shaModule from "./sha256.wasm";
import { ProcExit, Wasi } from "../../../shared/executor/wasi.ts";
import { compileModule, instantiate } from "../../../shared/executor/interpreter/mod.ts";

export default {
  async fetch(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const wasi = new Wasi({ args: ["sha256", url.searchParams.get("mib") ?? "1"] });
    const imports = { wasi_snapshot_preview1: wasi.imports } as unknown as Record<
      string,
      Record<string, unknown>
    >;
    let start: () => void;
    let fuel: (() => number) | undefined;
    if (url.searchParams.get("engine") === "v8") {
      const inst = new WebAssembly.Instance(
        shaModule as WebAssembly.Module,
        imports as WebAssembly.Imports,
      );
      wasi.setMemory(inst.exports.memory as WebAssembly.Memory);
      start = inst.exports._start as () => void;
    } else {
      const inst = instantiate(compileModule(new Uint8Array(await req.arrayBuffer())), imports);
      wasi.setMemory(inst.exports.memory as { buffer: ArrayBuffer });
      start = inst.exports._start as () => void;
      fuel = inst.fuelUsed;
    }
    try {
      start();
    } catch (e) {
      if (!(e instanceof ProcExit)) throw e;
    }
    return Response.json({ out: new TextDecoder().decode(wasi.stdout()).trim(), fuel: fuel?.() });
  },
};
