import { assert, assertEquals } from "../shared/testing/mod.ts";
import { createReleasesHandler, parseRange } from "./releases.ts";

async function fixture(): Promise<{ dir: string; bytes: Uint8Array }> {
  const dir = await Deno.makeTempDir({ prefix: "phase-releases-" });
  const bytes = new Uint8Array(200_000).map((_, i) => (i * 7) & 255);
  await Deno.mkdir(`${dir}/stable/x86_64`, { recursive: true });
  await Deno.mkdir(`${dir}/stable/aarch64`, { recursive: true });
  await Deno.writeFile(`${dir}/stable/x86_64/phase-relay_1.0.0_amd64.deb`, bytes);
  await Deno.writeFile(
    `${dir}/stable/aarch64/phase-relay-1.0.0-aarch64.tar.gz`,
    bytes.slice(0, 10),
  );
  await Deno.writeTextFile(`${dir}/manifest.json`, '{"version":1}\n');
  return { dir, bytes };
}

Deno.test("releases: manifest, aliases, full and ranged downloads over HTTP", async () => {
  const { dir, bytes } = await fixture();
  const handler = createReleasesHandler({ dir });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => (await handler(req)) ?? new Response("other", { status: 418 }),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    const manifest = await fetch(`${base}/v1/releases/manifest.json`);
    assertEquals(manifest.status, 200);
    assertEquals(await manifest.json(), { version: 1 });

    for (const arch of ["x86_64", "amd64"]) {
      const res = await fetch(`${base}/v1/releases/stable/${arch}/phase-relay_1.0.0_amd64.deb`);
      assertEquals(res.status, 200);
      assertEquals(res.headers.get("accept-ranges"), "bytes");
      assertEquals(new Uint8Array(await res.arrayBuffer()), bytes);
    }
    const arm = await fetch(`${base}/v1/releases/stable/arm64/phase-relay-1.0.0-aarch64.tar.gz`);
    assertEquals(arm.status, 200);
    assertEquals((await arm.arrayBuffer()).byteLength, 10);

    const url = `${base}/v1/releases/stable/amd64/phase-relay_1.0.0_amd64.deb`;
    const cases: Array<[string, number, number]> = [
      ["bytes=0-99", 0, 99],
      ["bytes=70000-", 70000, bytes.length - 1],
      ["bytes=-500", bytes.length - 500, bytes.length - 1],
      ["bytes=199990-300000", 199990, bytes.length - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await fetch(url, { headers: { range } });
      assertEquals(res.status, 206, range);
      assertEquals(res.headers.get("content-range"), `bytes ${start}-${end}/${bytes.length}`);
      assertEquals(new Uint8Array(await res.arrayBuffer()), bytes.slice(start, end + 1));
    }
    const bad = await fetch(url, { headers: { range: "bytes=999999-" } });
    assertEquals(bad.status, 416);
    assertEquals(bad.headers.get("content-range"), `bytes */${bytes.length}`);
    await bad.body?.cancel();

    const head = await fetch(url, { method: "HEAD" });
    assertEquals(head.headers.get("content-length"), String(bytes.length));
    const etag = head.headers.get("etag")!;
    const cached = await fetch(url, { headers: { "if-none-match": etag } });
    assertEquals(cached.status, 304);
    await cached.body?.cancel();

    for (
      const [path, status] of [
        ["/v1/releases/stable/riscv64/x.deb", 404],
        ["/v1/releases/stable/amd64/missing.deb", 404],
        ["/v1/releases/stable/amd64/..%2Fmanifest.json", 400],
        ["/v1/releases/Bad*Chan/amd64/x.deb", 400],
        ["/v1/other", 418],
      ] as const
    ) {
      const res = await fetch(`${base}${path}`);
      assertEquals(res.status, status, path);
      await res.body?.cancel();
    }
    const post = await fetch(`${base}/v1/releases/manifest.json`, { method: "POST" });
    assertEquals(post.status, 405);
    await post.body?.cancel();
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("releases: range parsing", () => {
  assertEquals(parseRange(null, 10), null);
  assertEquals(parseRange("bytes=2-4", 10), { start: 2, end: 4 });
  assertEquals(parseRange("bytes=0-1,5-6", 10), null);
  assertEquals(parseRange("bytes=-0", 10), "unsatisfiable");
  assertEquals(parseRange("bytes=10-", 10), "unsatisfiable");
  assert(parseRange("bytes=5-2", 10) === null);
});
