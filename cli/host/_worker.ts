// The Deno host's Worker: runs one job at a time with the shared executor.
// Deno's Worker.terminate() does not stop a Worker spinning in WebAssembly,
// so the wall-clock limit is enforced in here: the guest runs inside
// node:vm's runInContext with a timeout, which terminates the running code
// and leaves the Worker usable for the next job.

import vm from "node:vm";
import {
  createVmGuard,
  type EngineName,
  loadEngine,
  runJobSync,
} from "../../shared/executor/mod.ts";
import type { WorkerReply, WorkerRequest } from "./_messages.ts";

const compiled = new Map<string, unknown>();
const guard = createVmGuard(vm);

const scope = self as unknown as {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
};
const post = (reply: WorkerReply) => scope.postMessage(reply);

scope.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const { id, module, spec, engine, moduleKey, stream } = event.data;
  try {
    const result = runJobSync(module, spec, {
      engine: await loadEngine(engine as EngineName | "auto"),
      guard,
      cache: compiled,
      moduleKey,
      onStdout: stream ? (chunk) => post({ id, kind: "stdout", chunk: chunk.slice() }) : undefined,
      onStderr: stream ? (chunk) => post({ id, kind: "stderr", chunk: chunk.slice() }) : undefined,
    });
    post({ id, kind: "result", result });
  } catch (err) {
    post({ id, kind: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
