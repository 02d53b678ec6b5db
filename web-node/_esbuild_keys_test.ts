import * as esbuild from "esbuild";
import { assert, assertEquals } from "../shared/testing/mod.ts";
import { browserBuildOptions } from "./build.ts";
import { generateKeyPair, sign } from "../shared/crypto/mod.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Bundles `source` with the web node's build options, with or without the key-types plugin. */
async function bundle(source: string, withPlugin: boolean) {
  const options = browserBuildOptions({ minify: false });
  const plugins = options.plugins!.filter((p) => withPlugin || p.name !== "ed25519-only-keys");
  assertEquals(plugins.length, withPlugin ? 2 : 1);
  const out = await esbuild.build({
    ...options,
    plugins,
    stdin: { contents: source, resolveDir: root, loader: "ts" },
    metafile: true,
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
    // An Ed25519 public key (32 bytes raw) still parses and verifies a signature.
    const kp = generateKeyPair();
    const pub = keys.publicKeyFromRaw(kp.publicKey);
    assertEquals(pub.type, "Ed25519");
    const message = new TextEncoder().encode("phase");
    assertEquals(await pub.verify(message, sign(message, kp.secretKey)), true);
    assertEquals(await pub.verify(message, new Uint8Array(64)), false);
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
