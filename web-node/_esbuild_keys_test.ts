import * as esbuild from "esbuild";
import { assert, assertEquals } from "../shared/testing/mod.ts";
import { denoResolvePlugin } from "./_esbuild_deno.ts";
import { ed25519OnlyKeysPlugin } from "./_esbuild_keys.ts";
import { generateKeyPair } from "../shared/crypto/mod.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Bundles `source` for the browser the way build.ts does, with or without the plugin. */
async function bundle(source: string, withPlugin: boolean) {
  const out = await esbuild.build({
    stdin: { contents: source, resolveDir: root, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    metafile: true,
    logLevel: "error",
    conditions: ["browser", "import", "module", "default"],
    mainFields: ["browser", "module", "main"],
    plugins: [...(withPlugin ? [ed25519OnlyKeysPlugin()] : []), denoResolvePlugin({ root })],
  });
  await esbuild.stop();
  const inputs = Object.keys(out.metafile!.inputs);
  return { code: out.outputFiles![0].text, inputs };
}

const ENTRY =
  `export { publicKeyFromRaw, privateKeyFromRaw, generateKeyPair } from "@libp2p/crypto/keys";`;

Deno.test("browser bundle: Ed25519 keys work, other key types are refused, Weierstrass code left out", async () => {
  const plain = await bundle(ENTRY, false);
  assert(plain.inputs.some((p) => p.includes("@noble/curves/abstract/weierstrass")));
  const slim = await bundle(ENTRY, true);
  assert(!slim.inputs.some((p) => p.includes("weierstrass")), "weierstrass still bundled");
  assert(
    !slim.inputs.some((p) => /@libp2p\/crypto\/dist\/src\/keys\/(rsa|secp256k1|ecdsa)\//.test(p)),
  );
  assert(
    slim.code.length < plain.code.length - 20_000,
    `${slim.code.length} vs ${plain.code.length}`,
  );

  const file = await Deno.makeTempFile({ suffix: ".mjs" });
  try {
    await Deno.writeTextFile(file, slim.code);
    const keys = await import(`file://${file}`);
    // An Ed25519 public key (32 bytes raw) still parses and verifies.
    const kp = generateKeyPair();
    const pub = keys.publicKeyFromRaw(kp.publicKey);
    assertEquals(pub.type, "Ed25519");
    const ed = await keys.generateKeyPair("Ed25519");
    assertEquals(ed.type, "Ed25519");
    // A compressed secp256k1 key (33 bytes), DER bytes (RSA/ECDSA) and key
    // generation of those types fail with libp2p's typed error.
    const secp = new Uint8Array(33).fill(2);
    for (
      const attempt of [
        () => keys.publicKeyFromRaw(secp),
        () => keys.publicKeyFromRaw(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])),
        () => keys.generateKeyPair("secp256k1"),
        () => keys.generateKeyPair("RSA", 2048),
        () => keys.generateKeyPair("ECDSA", "P-256"),
      ]
    ) {
      let err: unknown;
      try {
        await attempt();
      } catch (e) {
        err = e;
      }
      assertEquals((err as Error | undefined)?.name, "UnsupportedKeyTypeError");
    }
  } finally {
    await Deno.remove(file);
  }
});
