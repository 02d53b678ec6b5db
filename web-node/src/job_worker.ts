// The web node's job Worker: runs one job at a time with the shared executor
// on the browser's own WebAssembly engine. The page enforces the wall-clock
// limit by terminating this Worker (Chromium stops it, with a tail of about
// 2 s during which the thread still burns; see _host.ts).

import { jitEngine, runJobSync } from "../../shared/executor/mod.ts";
import type { JobReply, JobRequest } from "./_messages.ts";

const compiled = new Map<string, unknown>();

self.onmessage = (event: MessageEvent<JobRequest>) => {
  const { id, module, spec, moduleKey } = event.data;
  self.postMessage({ id, kind: "started" } satisfies JobReply);
  let reply: JobReply;
  try {
    const result = runJobSync(module, spec, { engine: jitEngine, cache: compiled, moduleKey });
    reply = { id, kind: "result", result };
  } catch (err) {
    reply = { id, kind: "error", message: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(reply);
};
