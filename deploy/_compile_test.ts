import { assertEquals } from "../shared/testing/mod.ts";
import { detectDenort, targetOf } from "./_compile.ts";

Deno.test("denort detection: DENORT_BIN is used only for its own architecture", async () => {
  const saved = Deno.env.get("DENORT_BIN");
  const savedDir = Deno.env.get("DENO_DIR");
  const empty = await Deno.makeTempDir({ prefix: "phase-denodir-" });
  try {
    Deno.env.set("DENO_DIR", empty); // nothing cached here
    Deno.env.set("DENORT_BIN", Deno.execPath()); // an x86_64 (or host-arch) ELF
    const host = Deno.build.arch === "x86_64" ? "x86_64" : "aarch64";
    const other = host === "x86_64" ? "aarch64" : "x86_64";
    const mine = await detectDenort(host, { probe: false });
    assertEquals(mine, { available: true, source: "DENORT_BIN", denortBin: Deno.execPath() });
    const theirs = await detectDenort(other, { probe: false });
    assertEquals(theirs.available, false);
    await Deno.mkdir(`${empty}/dl/release/v2.9.5`, { recursive: true });
    await Deno.writeFile(
      `${empty}/dl/release/v2.9.5/denort-${targetOf(other)}.zip`,
      new Uint8Array(),
    );
    assertEquals(await detectDenort(other, { probe: false }), { available: true, source: "cache" });
  } finally {
    if (saved === undefined) Deno.env.delete("DENORT_BIN");
    else Deno.env.set("DENORT_BIN", saved);
    if (savedDir === undefined) Deno.env.delete("DENO_DIR");
    else Deno.env.set("DENO_DIR", savedDir);
    await Deno.remove(empty, { recursive: true });
  }
});
