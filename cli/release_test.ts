import { assertEquals, assertMatch } from "../shared/testing/mod.ts";
import { buildReleaseManifest, generateKeyPair, publicKeyText } from "../shared/release/mod.ts";
import { sha256Hex } from "../shared/crypto/mod.ts";
import { releaseCommand } from "./release.ts";

async function fixture() {
  const dir = await Deno.makeTempDir({ prefix: "phase-release-cli-" });
  const key = generateKeyPair();
  const a = new TextEncoder().encode("amd64 package");
  const b = new TextEncoder().encode("arm64 package");
  await Deno.mkdir(`${dir}/stable/aarch64`, { recursive: true });
  await Deno.writeFile(`${dir}/a.deb`, a);
  await Deno.writeFile(`${dir}/stable/aarch64/b.deb`, b);
  const manifest = buildReleaseManifest({
    product: "phase-relay",
    release: "1.2.3",
    channel: "stable",
    artifacts: [
      { file: "a.deb", arch: "amd64", kind: "deb", size: a.length, sha256: sha256Hex(a) },
      { file: "b.deb", arch: "arm64", kind: "deb", size: b.length, sha256: sha256Hex(b) },
    ],
  }, key);
  await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify(manifest));
  return { dir, key, manifest };
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await releaseCommand(args, { print: (l) => lines.push(l) });
  return { code, out: lines.join("\n") };
}

Deno.test("phase release verify: good set passes, pinned key checked", async () => {
  const { dir, key } = await fixture();
  const good = await cli(["verify", `${dir}/manifest.json`, "--key", publicKeyText(key.publicKey)]);
  assertEquals(good.code, 0, good.out);
  assertMatch(good.out, /2 verified, 0 failed/);
  const other = generateKeyPair();
  const wrong = await cli([
    "verify",
    `${dir}/manifest.json`,
    "--key",
    publicKeyText(other.publicKey),
  ]);
  assertEquals(wrong.code, 1);
  assertMatch(wrong.out, /release_untrusted_key/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("phase release verify: tampered artifact or manifest is rejected", async () => {
  const { dir, manifest } = await fixture();
  await Deno.writeTextFile(`${dir}/a.deb`, "amd64 packagf");
  const tampered = await cli(["verify", `${dir}/manifest.json`]);
  assertEquals(tampered.code, 1);
  assertMatch(tampered.out, /FAILED {2}x86_64\/a\.deb/);
  const edited = { ...manifest, release: "9.9.9" };
  await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify(edited));
  const bad = await cli(["verify", `${dir}/manifest.json`]);
  assertEquals(bad.code, 1);
  assertMatch(bad.out, /release_bad_signature/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("phase release verify: missing files and usage", async () => {
  const { dir } = await fixture();
  await Deno.remove(`${dir}/a.deb`);
  assertEquals((await cli(["verify", `${dir}/manifest.json`])).code, 0);
  assertEquals((await cli(["verify", `${dir}/manifest.json`, "--all"])).code, 1);
  assertEquals((await cli(["verify"])).code, 2);
  assertEquals((await cli(["bogus"])).code, 2);
  await Deno.remove(dir, { recursive: true });
});
