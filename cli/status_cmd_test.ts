import { assertEquals } from "../shared/testing/mod.ts";
import { generateKeyPair } from "../shared/crypto/mod.ts";
import { signExecutorRecord } from "../shared/edge/mod.ts";
import { EDGE_LIMITS as limits } from "../shared/edge/testdata/limits.ts";
import { statusCommand } from "./status_cmd.ts";

// A relay that lies: its registry lists a genuine record, one whose URL was
// changed after signing, and one that is not a record at all.
Deno.test("status: lists only executor records that verify, the rest as rejected with reasons", async () => {
  const genuine = signExecutorRecord(
    { url: "https://good.example", runtime: "cloudflare", engine: "interp", limits },
    generateKeyPair(),
  );
  const forged = {
    ...signExecutorRecord(
      { url: "https://other.example", runtime: "cloudflare", engine: "interp", limits },
      generateKeyPair(),
    ),
    url: "https://evil.example",
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/status") return Response.json({ peerId: "12D3KooWtest", uptimeS: 1 });
    if (path === "/v1/executors") {
      return Response.json({ executors: [genuine, forged, { url: "https://junk.example" }] });
    }
    return new Response("not found", { status: 404 });
  });
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    const code = await statusCommand.run([
      "--relay",
      `http://127.0.0.1:${server.addr.port}`,
      "--json",
    ]);
    assertEquals(code, 0);
  } finally {
    console.log = log;
    await server.shutdown();
  }
  const status = JSON.parse(lines.join("\n"));
  assertEquals(status.peerId, "12D3KooWtest");
  assertEquals(
    status.edgeExecutors.map((e: { url: string; executorPeerId: string }) => [
      e.url,
      e.executorPeerId,
    ]),
    [["https://good.example", genuine.executorPeerId]],
  );
  assertEquals(
    status.edgeExecutorsRejected.map((e: { url: string; code: string }) => [e.url, e.code]),
    [
      ["https://evil.example", "executor_record_bad_signature"],
      ["https://junk.example", "executor_record_invalid"],
    ],
  );
});
