/**
 * Deploy suite: builds both arches once (offline form, gzip packages), then
 * checks the x86_64 .deb installed into a temp root, the arm64 relay under
 * qemu-user-static, setup.sh from the service tarball, the systemd unit and
 * the signed release manifest. Figures are printed as `figure: ...` lines.
 *
 * Needs Debian packages: systemd (systemd-analyze), qemu-user-static,
 * libc6-arm64-cross, libgcc-s1-arm64-cross; and the npm registry for the
 * Deno runtime packages (cached in ~/.cache/phase-dist).
 */

import { assert, assertEquals, assertLess, assertMatch } from "../shared/testing/mod.ts";
import { releaseCommand } from "../cli/release.ts";
import {
  dpkgRoot,
  extractDeb,
  freePort,
  makeDpkgRoot,
  rssKiB,
  startRelay,
  stopRelay,
  testBuild,
} from "./_testing.ts";
import { run } from "./_run.ts";
import { listFiles } from "./_package.ts";
import { sha256Hex } from "../shared/crypto/mod.ts";

// The suite packages the real relay. Without relay/main.ts the tests are
// reported as ignored, not passed.
const entry = new URL("../relay/main.ts", import.meta.url).pathname;
const haveRelay = await Deno.stat(entry).then(() => true, () => false);
if (!haveRelay) console.error(`deploy tests ignored: ${entry} does not exist yet`);
const opts = { sanitizeOps: false, sanitizeResources: false, ignore: !haveRelay };
const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

function artifact(build: Awaited<ReturnType<typeof testBuild>>, arch: string, kind: string) {
  const a = build.artifacts.find((x) => x.arch === arch && x.kind === kind);
  assert(a, `no ${kind} for ${arch}`);
  return a;
}

Deno.test("dist: both arches build offline; sizes", opts, async () => {
  const build = await testBuild();
  assertEquals(build.artifacts.length, 4);
  for (const a of build.artifacts) {
    assertGreaterThanMiB(a.size, 20);
    console.log(`figure: ${a.form} ${a.kind} ${a.arch}: ${mib(a.size)} (gzip test build)`);
  }
  console.log(`figure: relay bundle relay.js ${(build.bundleSize / 1024).toFixed(0)} KiB`);
  for (const arch of ["x86_64", "aarch64"]) assertMatch(build.compile[arch], /skipped/);
  const deb = artifact(build, "x86_64", "deb").path;
  const fields = (await run("dpkg-deb", ["-f", deb, "Package", "Architecture", "Version"])).stdout;
  assertMatch(fields, /Package: phase-relay\nArchitecture: amd64\nVersion: \S+/);
  const armFields = await run("dpkg-deb", [
    "-f",
    artifact(build, "aarch64", "deb").path,
    "Architecture",
  ]);
  assertEquals(armFields.stdout.trim(), "arm64");
  const listing = (await run("dpkg-deb", ["-c", deb])).stdout;
  for (
    const path of [
      "./usr/bin/phase-relay",
      "./usr/lib/phase-relay/deno",
      "./usr/lib/phase-relay/relay.js",
      "./lib/systemd/system/phase-relay.service",
      "./etc/phase/relay.toml",
    ]
  ) assert(listing.includes(path), `${path} missing from the .deb`);
  const info = await run("dpkg-deb", ["-I", deb, "conffiles"]);
  assertEquals(info.stdout.trim(), "/etc/phase/relay.toml");
});

function assertGreaterThanMiB(size: number, min: number) {
  assert(size > min * 1048576, `artifact of ${size} bytes is suspiciously small`);
}

Deno.test(
  "deb x86_64: dpkg --root install, relay serves /health, client connects, SIGTERM, purge",
  opts,
  async () => {
    const build = await testBuild();
    const root = await Deno.makeTempDir({ prefix: "phase-deb-root-" });
    try {
      await makeDpkgRoot(root);
      await dpkgRoot(root, ["-i", artifact(build, "x86_64", "deb").path]);
      // postinst made the user and the state dir inside the root, not on the host.
      assertMatch(
        await Deno.readTextFile(`${root}/etc/passwd`),
        /^phase:x:\d+:\d+:.*:\/var\/lib\/phase:/m,
      );
      const state = `${root}/var/lib/phase`;
      assertEquals((await Deno.stat(state)).mode! & 0o777, 0o750);
      assertEquals((await Deno.stat(`${root}/etc/phase/relay.toml`)).mode! & 0o777, 0o640);
      // The packaged release tree, where a relay serves it from.
      await run("cp", ["-R", build.releasesDir, `${state}/releases`]);
      const port = freePort();
      const relay = await startRelay(`${root}/usr/bin/phase-relay`, [
        "--config",
        `${root}/etc/phase/relay.toml`,
        "--state-dir",
        state,
        "--bind",
        "127.0.0.1",
        "--port",
        String(port),
        "--ws-port",
        String(freePort()),
      ], { port, env: { HOME: root } });
      try {
        console.log(
          `figure: installed x86_64 relay start to /health: ${relay.startMs.toFixed(0)} ms`,
        );
        const health = await fetch(`${relay.base}/health`);
        assertEquals(health.status, 200);
        await health.body?.cancel();
        await connectClient(relay.base);
        await checkReleaseRoutes(relay.base, build);
        await new Promise((r) => setTimeout(r, 1000));
        console.log(
          `figure: installed x86_64 relay idle RSS: ${await rssKiB(relay.child.pid)} KiB`,
        );
      } finally {
        const stop = await stopRelay(relay);
        assertEquals(stop.code, 0, relay.output().slice(-2000));
        assertLess(stop.ms, 3000);
        console.log(`figure: SIGTERM to exit: ${stop.ms.toFixed(0)} ms`);
      }
      await dpkgRoot(root, ["--purge", "phase-relay"]);
      assertEquals(await exists(state), false, "purge must remove the state dir");
      assertEquals(await exists(`${root}/usr/bin/phase-relay`), false);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
);

/** Dials the relay with a libp2p client over WebSockets (addresses from /bootstrap). */
async function connectClient(base: string): Promise<void> {
  const res = await fetch(`${base}/bootstrap`);
  assertEquals(res.status, 200);
  const body = await res.json();
  const addrs: string[] =
    JSON.stringify(body).match(/\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/\w+/g) ??
      [];
  assert(addrs.length > 0, `no loopback /ws address in /bootstrap: ${JSON.stringify(body)}`);
  const { createLibp2p } = await import("libp2p");
  const { webSockets } = await import("@libp2p/websockets");
  const { noise } = await import("@chainsafe/libp2p-noise");
  const { yamux } = await import("@chainsafe/libp2p-yamux");
  const { identify } = await import("@libp2p/identify");
  const { multiaddr } = await import("@multiformats/multiaddr");
  const client = await createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
    connectionGater: { denyDialMultiaddr: () => false },
  });
  try {
    const conn = await client.dial(multiaddr(addrs[0]), { signal: AbortSignal.timeout(10_000) });
    assertEquals(conn.remotePeer.toString(), addrs[0].split("/p2p/")[1]);
  } finally {
    await client.stop();
  }
}

async function checkReleaseRoutes(base: string, build: Awaited<ReturnType<typeof testBuild>>) {
  const res = await fetch(`${base}/v1/releases/manifest.json`);
  assertEquals(res.status, 200, "relay does not serve /v1/releases/manifest.json");
  const manifest = await res.json();
  assertEquals(manifest.publicKey, build.publicKey);
  const deb = manifest.artifacts.find((a: { arch: string; kind: string }) =>
    a.arch === "aarch64" && a.kind === "deb"
  );
  const ranged = await fetch(`${base}/v1/releases/stable/arm64/${deb.file}`, {
    headers: { range: "bytes=0-7" },
  });
  assertEquals(ranged.status, 206);
  assertEquals(new TextDecoder().decode(await ranged.arrayBuffer()), "!<arch>\n");
}

Deno.test("arm64: relay runs under qemu-user-static (--version, /health)", opts, async () => {
  const build = await testBuild();
  const qemu = "/usr/bin/qemu-aarch64-static";
  const sysroot = "/usr/aarch64-linux-gnu";
  for (const need of [qemu, `${sysroot}/lib/libc.so.6`, `${sysroot}/lib/libgcc_s.so.1`]) {
    await Deno.stat(need).catch(() => {
      throw new Error(
        `${need} missing: apt-get install qemu-user-static libc6-arm64-cross libgcc-s1-arm64-cross`,
      );
    });
  }
  const root = await Deno.makeTempDir({ prefix: "phase-arm64-root-" });
  try {
    await extractDeb(artifact(build, "aarch64", "deb").path, root);
    const lib = `${root}/usr/lib/phase-relay`;
    const file = await run("file", ["-b", `${lib}/deno`]).catch(() => ({ stdout: "" }));
    if (file.stdout) assertMatch(file.stdout, /aarch64/);
    // No binfmt_misc here: put qemu in front of the arm64 runtime, keep the real launcher.
    await Deno.rename(`${lib}/deno`, `${lib}/deno.aarch64`);
    await Deno.writeTextFile(
      `${lib}/deno`,
      `#!/bin/sh\nexec ${qemu} -L ${sysroot} "$(dirname "$0")/deno.aarch64" "$@"\n`,
      { mode: 0o755 },
    );
    await Deno.chmod(`${lib}/deno`, 0o755);
    const state = `${root}/var/lib/phase`;
    const version = await run(`${root}/usr/bin/phase-relay`, ["--version", "--state-dir", state], {
      env: { HOME: root },
      timeoutMs: 60_000,
    });
    assertMatch(version.stdout + version.stderr, new RegExp(build.version.replaceAll(".", "\\.")));
    const port = freePort();
    const relay = await startRelay(`${root}/usr/bin/phase-relay`, [
      "--config",
      `${root}/etc/phase/relay.toml`,
      "--state-dir",
      state,
      "--bind",
      "127.0.0.1",
      "--port",
      String(port),
      "--ws-port",
      String(freePort()),
    ], { port, timeoutMs: 90_000, env: { HOME: root } });
    console.log(`figure: arm64 relay under qemu start to /health: ${relay.startMs.toFixed(0)} ms`);
    const stop = await stopRelay(relay);
    assertEquals(stop.code, 0, relay.output().slice(-2000));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test(
  "setup.sh: install, reinstall, uninstall in a temp root; metadata hashes",
  opts,
  async () => {
    const build = await testBuild();
    const work = await Deno.makeTempDir({ prefix: "phase-setup-" });
    try {
      const tarball = artifact(build, "x86_64", "tarball").path;
      await run("tar", ["-xzf", tarball, "-C", work]);
      const pkg = `${work}/phase-relay-${build.version}-x86_64`;
      const metadata = JSON.parse(await Deno.readTextFile(`${pkg}/metadata.json`));
      assertEquals(metadata.version, build.version);
      assertEquals(metadata.arch, "x86_64");
      const files = (await listFiles(pkg)).filter((f) => f !== "metadata.json");
      assertEquals(Object.keys(metadata.files).sort(), files);
      for (const f of files) {
        assertEquals(
          metadata.files[f],
          sha256Hex(await Deno.readFile(`${pkg}/${f}`)),
          f,
        );
      }
      for (
        const f of ["bin/phase-relay", "setup.sh", "relay.toml.example", "phase-relay.service"]
      ) {
        assert(f in metadata.files, `${f} not in the package`);
      }

      const root = `${work}/root`;
      const setup = (...args: string[]) =>
        run("sh", [`${pkg}/setup.sh`, "--root", root, ...args], { allowFailure: true });
      const first = await setup();
      assertEquals(first.code, 0, first.stderr + first.stdout);
      const bin = `${root}/usr/local/bin/phase-relay`;
      const unit = await Deno.readTextFile(`${root}/etc/systemd/system/phase-relay.service`);
      assertMatch(unit, /^ExecStart=\/usr\/local\/bin\/phase-relay /m);
      const config = `${root}/etc/phase/relay.toml`;
      await Deno.writeTextFile(config, "# edited by the operator\nport = 9999\n");
      const second = await setup();
      assertEquals(second.code, 0, second.stderr + second.stdout);
      assertEquals(await Deno.readTextFile(config), "# edited by the operator\nport = 9999\n");
      for (const f of files.filter((f) => f.startsWith("lib/"))) {
        assertEquals(
          sha256Hex(await Deno.readFile(`${root}/usr/local/${f}`)),
          metadata.files[f],
          f,
        );
      }
      const version = await run(bin, ["--version"], {
        env: { HOME: work },
        allowFailure: true,
        timeoutMs: 20_000,
      });
      assertMatch(
        version.stdout + version.stderr,
        new RegExp(build.version.replaceAll(".", "\\.")),
      );

      const gone = await setup("--uninstall");
      assertEquals(gone.code, 0, gone.stderr);
      for (
        const path of [
          bin,
          `${root}/usr/local/lib/phase-relay`,
          `${root}/etc/systemd/system/phase-relay.service`,
        ]
      ) {
        assertEquals(await exists(path), false, `${path} left behind`);
      }
      assert(await exists(config), "config must survive a plain uninstall");
      assertEquals((await setup("--uninstall", "--purge")).code, 0);
      assertEquals(await exists(config), false);
      assertEquals(await exists(`${root}/var/lib/phase`), false);

      // A package whose file does not match metadata.json is refused.
      await Deno.writeTextFile(`${pkg}/relay.toml.example`, "\n# tampered\n", { append: true });
      const tampered = await setup();
      assert(tampered.code !== 0, "setup.sh installed a tampered package");
      assertMatch(tampered.stdout + tampered.stderr, /hash mismatch: relay\.toml\.example/);
      assertEquals(await exists(bin), false);
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
);

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("systemd unit: systemd-analyze verify passes; security exposure", opts, async () => {
  const build = await testBuild();
  const root = await Deno.makeTempDir({ prefix: "phase-unit-" });
  try {
    await extractDeb(artifact(build, "x86_64", "deb").path, root);
    const unitText = await Deno.readTextFile(`${root}/lib/systemd/system/phase-relay.service`);
    for (
      const line of [
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "PrivateDevices=yes",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "CapabilityBoundingSet=",
        "Restart=on-failure",
        "ReadWritePaths=/var/lib/phase",
        "User=phase",
      ]
    ) assertMatch(unitText, new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    assertMatch(unitText, /^MemoryMax=\S+$/m);
    // verify checks that ExecStart exists: point it at the extracted launcher.
    const unit = `${root}/phase-relay.service`;
    await Deno.writeTextFile(
      unit,
      unitText.replace("/usr/bin/phase-relay", `${root}/usr/bin/phase-relay`),
    );
    const verify = await run("systemd-analyze", ["verify", "--man=no", unit], {
      allowFailure: true,
    });
    assertEquals(verify.code, 0, verify.stderr + verify.stdout);
    assertEquals(verify.stderr.trim(), "");
    const security = await run("systemd-analyze", ["security", "--offline=yes", unit], {
      allowFailure: true,
    });
    const score = Number(security.stdout.match(/Overall exposure level for [^:]+: ([\d.]+)/)?.[1]);
    assert(Number.isFinite(score), security.stdout.slice(-500) + security.stderr);
    console.log(`figure: systemd-analyze security exposure ${score} (0 best, 10 worst)`);
    assertLess(score, 2.5);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test(
  "release manifest from dist: verifies with the release key; tampering rejected",
  opts,
  async () => {
    const build = await testBuild();
    const key = (await Deno.readTextFile(`${build.releasesDir}/release-key.pub`)).trim();
    assertEquals(key, build.publicKey);
    const lines: string[] = [];
    const print = (l: string) => lines.push(l);
    const ok = await releaseCommand(["verify", build.manifestPath, "--key", key, "--all"], {
      print,
    });
    assertEquals(ok, 0, lines.join("\n"));
    assertMatch(lines.join("\n"), /4 verified, 0 failed/);

    const copy = await Deno.makeTempDir({ prefix: "phase-release-copy-" });
    try {
      const manifest = JSON.parse(await Deno.readTextFile(build.manifestPath));
      const small = manifest.artifacts.find((a: { kind: string; arch: string }) =>
        a.kind === "tarball" && a.arch === "aarch64"
      );
      const data = await Deno.readFile(`${build.releasesDir}/stable/aarch64/${small.file}`);
      data[data.length - 100] ^= 1;
      await Deno.writeFile(`${copy}/${small.file}`, data);
      await Deno.writeTextFile(`${copy}/manifest.json`, JSON.stringify(manifest));
      lines.length = 0;
      assertEquals(
        await releaseCommand(["verify", `${copy}/manifest.json`, "--key", key], { print }),
        1,
      );
      assertMatch(lines.join("\n"), /FAILED {2}aarch64\/.*sha256/);
      manifest.artifacts[0].size += 1;
      await Deno.writeTextFile(`${copy}/manifest.json`, JSON.stringify(manifest));
      lines.length = 0;
      assertEquals(await releaseCommand(["verify", `${copy}/manifest.json`], { print }), 1);
      assertMatch(lines.join("\n"), /release_bad_signature/);
    } finally {
      await Deno.remove(copy, { recursive: true });
    }
  },
);
