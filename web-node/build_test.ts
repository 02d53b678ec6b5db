import { assert } from "../shared/testing/mod.ts";
import { buildWebNode } from "./mod.ts";

// Issue 6's budget for the page's JavaScript: 150 KiB gzip for app.js (the
// libp2p node, UI and scheduler a tab loads before it can join).
const APP_GZIP_BUDGET = 150 * 1024;

Deno.test("web node build: every file written, app.js within its gzip budget", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "phase-web-build-" });
  try {
    const files = await buildWebNode({ outDir });
    const names = files.map((f) => f.path);
    for (const want of ["app.js", "job_worker.js", "sw.js", "index.html"]) {
      assert(names.includes(want), `${want} missing from ${names.join(", ")}`);
      assert((await Deno.stat(`${outDir}/${want}`)).size > 0);
    }
    const app = files.find((f) => f.path === "app.js")!;
    assert(
      app.gzipBytes <= APP_GZIP_BUDGET,
      `app.js is ${(app.gzipBytes / 1024).toFixed(1)} KiB gzip, budget 150`,
    );
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
