import { assert, assertEquals, assertThrows } from "../testing/mod.ts";
import { isPhaseError, PhaseError } from "../errors.ts";
import {
  buildReleaseManifest,
  findArtifact,
  generateKeyPair,
  normalizeArch,
  verifyArtifact,
  verifyReleaseManifest,
} from "./mod.ts";
import { sha256Hex } from "../crypto/mod.ts";

const bytes = new TextEncoder().encode("relay bytes");
const key = generateKeyPair();

function manifest() {
  return buildReleaseManifest({
    product: "phase-relay",
    release: "0.1.0",
    channel: "stable",
    createdAt: "2026-01-01T00:00:00.000Z",
    artifacts: [
      { file: "b.deb", arch: "arm64", kind: "deb", size: bytes.length, sha256: sha256Hex(bytes) },
      { file: "a.deb", arch: "amd64", kind: "deb", size: bytes.length, sha256: sha256Hex(bytes) },
    ],
  }, key);
}

Deno.test("release manifest: signs, verifies, normalizes arches", () => {
  const m = manifest();
  assertEquals(m.artifacts.map((a) => a.arch), ["aarch64", "x86_64"]);
  verifyReleaseManifest(JSON.parse(JSON.stringify(m)), { publicKey: key.publicKey });
  verifyArtifact(findArtifact(m, "amd64", "a.deb")!, bytes);
  assertEquals(findArtifact(m, "x86_64", "b.deb"), undefined);
});

Deno.test("release manifest: tampering is rejected", () => {
  const m = manifest();
  const edited = { ...m, release: "0.1.1" };
  const err = assertThrows(() => verifyReleaseManifest(edited), PhaseError);
  assert(isPhaseError(err, "release_bad_signature"));
  const art = { ...m.artifacts[0], size: m.artifacts[0].size + 1 };
  assertThrows(() => verifyReleaseManifest({ ...m, artifacts: [art, m.artifacts[1]] }), PhaseError);
  const other = generateKeyPair();
  const e2 = assertThrows(() => verifyReleaseManifest(m, { publicKey: other.publicKey }));
  assert(isPhaseError(e2, "release_untrusted_key"));
  const e3 = assertThrows(() =>
    verifyArtifact(m.artifacts[0], new TextEncoder().encode("relay bytez"))
  );
  assert(isPhaseError(e3, "release_artifact_mismatch"));
  assertThrows(() => verifyReleaseManifest({ ...m, extra: 1 }), PhaseError);
  assertThrows(
    () => verifyReleaseManifest({ ...m, artifacts: [{ ...art, file: "../x" }] }),
    PhaseError,
  );
});

Deno.test("release manifest: arch aliases", () => {
  assertEquals(normalizeArch("AMD64"), "x86_64");
  assertEquals(normalizeArch("arm64"), "aarch64");
  assertEquals(normalizeArch("aarch64"), "aarch64");
  assertEquals(normalizeArch("riscv64"), null);
});
