/**
 * Package assembly: the shared program tree (`bin/phase-relay` launcher +
 * `lib/phase-relay/`), the Debian package (dpkg-deb only), and the service
 * tarball with setup.sh and metadata.json.
 *
 * @module
 */

import { type Arch, debianArch } from "../shared/release/mod.ts";
import { sha256Hex } from "../shared/crypto/mod.ts";
import { run } from "./_run.ts";

const FILES = new URL("./files/", import.meta.url).pathname;
const DEBIAN = new URL("./debian/", import.meta.url).pathname;

/** What goes into `lib/phase-relay/` for one arch. */
export interface ProgramInput {
  /** Target architecture. */
  arch: Arch;
  /** Offline form: the Deno runtime binary for `arch`. */
  denoBinary?: string;
  /** Offline form: bundled relay and its env prelude. */
  relayJs?: string;
  /** Offline form: the env prelude. */
  preludeJs?: string;
  /** Compile form: the compiled relay binary. */
  compiledBinary?: string;
  /** Web node assets directory, copied to `lib/phase-relay/web/`. */
  webDir?: string;
  /** `--allow-env` list for the launcher. */
  envNames: string[];
  /** `--allow-sys` list for the launcher. */
  sysNames: string[];
  /** Default state dir when none is given (the relay's own default). */
  defaultStateDir: string;
}

/** Writes the launcher and lib tree under `prefixDir` (e.g. `stage/usr`). */
export async function stageProgram(prefixDir: string, input: ProgramInput): Promise<void> {
  const lib = `${prefixDir}/lib/phase-relay`;
  await Deno.mkdir(`${prefixDir}/bin`, { recursive: true });
  await Deno.mkdir(lib, { recursive: true });
  const launcher = (await Deno.readTextFile(`${FILES}/phase-relay.sh`))
    .replaceAll("@ENV_ALLOW@", input.envNames.join(","))
    .replaceAll("@SYS_ALLOW@", input.sysNames.join(","))
    .replaceAll("@DEFAULT_STATE_DIR@", input.defaultStateDir);
  await Deno.writeTextFile(`${prefixDir}/bin/phase-relay`, launcher, { mode: 0o755 });
  await Deno.chmod(`${prefixDir}/bin/phase-relay`, 0o755);
  if (input.compiledBinary) {
    await copy(input.compiledBinary, `${lib}/phase-relay-bin`, 0o755);
  } else {
    await copy(input.denoBinary!, `${lib}/deno`, 0o755);
    await copy(input.relayJs!, `${lib}/relay.js`, 0o644);
    await copy(input.preludeJs!, `${lib}/env_prelude.js`, 0o644);
  }
  if (input.webDir) await run("cp", ["-R", input.webDir, `${lib}/web`]);
}

async function copy(from: string, to: string, mode: number): Promise<void> {
  await Deno.copyFile(from, to);
  await Deno.chmod(to, mode);
}

/** Every regular file under `dir`, relative paths, sorted. */
export async function listFiles(dir: string, base = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${base}`)) {
    const rel = base ? `${base}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...await listFiles(dir, rel));
    else if (entry.isFile) out.push(rel);
  }
  return out.sort();
}

async function fileSha256(path: string): Promise<string> {
  return sha256Hex(await Deno.readFile(path));
}

/** Options of {@linkcode buildDeb} and {@linkcode buildTarball}. */
export interface PackageOptions {
  /** Release version. */
  version: string;
  /** Output directory. */
  outDir: string;
  /** Scratch directory. */
  workDir: string;
  /** `xz` (release default) or `gzip` (fast, for tests). */
  compression?: "xz" | "gzip";
  /** Build time (ISO 8601). */
  builtAt: string;
}

/** Builds `phase-relay_<version>_<debarch>.deb` with dpkg-deb; returns its path. */
export async function buildDeb(program: ProgramInput, options: PackageOptions): Promise<string> {
  const deb = debianArch(program.arch);
  const stage = `${options.workDir}/deb-${deb}`;
  await Deno.remove(stage, { recursive: true }).catch(() => {});
  await stageProgram(`${stage}/usr`, program);
  await copy(
    `${FILES}/phase-relay.service`,
    await dir(`${stage}/lib/systemd/system`, "phase-relay.service"),
    0o644,
  );
  await copy(`${FILES}/relay.toml`, await dir(`${stage}/etc/phase`, "relay.toml"), 0o644);
  const doc = `${stage}/usr/share/doc/phase-relay`;
  await copy(`${DEBIAN}/copyright`, await dir(doc, "copyright"), 0o644);
  await copy(`${FILES}/../README.md`, `${doc}/README.md`, 0o644);
  // A version without a Debian revision makes this a native package: changelog.gz.
  await Deno.writeTextFile(`${doc}/changelog`, changelog(options.version, options.builtAt));
  await run("gzip", ["-9n", `${doc}/changelog`]);
  const man = await dir(`${stage}/usr/share/man/man1`, "phase-relay.1");
  await copy(`${FILES}/phase-relay.1`, man, 0o644);
  await run("gzip", ["-9n", man]);

  const control = `${stage}/DEBIAN`;
  await Deno.mkdir(control, { recursive: true });
  const files = (await listFiles(stage)).filter((f) => !f.startsWith("DEBIAN/"));
  const sums: string[] = [];
  let bytes = 0;
  for (const f of files) {
    const data = await Deno.readFile(`${stage}/${f}`);
    bytes += data.length;
    if (!f.startsWith("etc/")) sums.push(`${await md5(data)}  ${f}`);
  }
  await Deno.writeTextFile(`${control}/md5sums`, sums.join("\n") + "\n", { mode: 0o644 });
  await Deno.writeTextFile(`${control}/conffiles`, "/etc/phase/relay.toml\n", { mode: 0o644 });
  const controlText = (await Deno.readTextFile(`${DEBIAN}/control.in`))
    .replace("@VERSION@", options.version)
    .replace("@DEBARCH@", deb)
    .replace("@MAINTAINER@", maintainer())
    .replace("@INSTALLED_SIZE@", String(Math.ceil(bytes / 1024)));
  await Deno.writeTextFile(`${control}/control`, controlText, { mode: 0o644 });
  for (const script of ["postinst", "prerm", "postrm"]) {
    await copy(`${DEBIAN}/${script}`, `${control}/${script}`, 0o755);
  }
  await run("chmod", ["-R", "u=rwX,go=rX", stage]);
  await Deno.mkdir(options.outDir, { recursive: true });
  const out = `${options.outDir}/phase-relay_${options.version}_${deb}.deb`;
  const level = options.compression === "gzip" ? ["-Zgzip", "-z6"] : ["-Zxz", "-z6"];
  await run("dpkg-deb", ["--root-owner-group", ...level, "--build", stage, out], {
    env: { SOURCE_DATE_EPOCH: String(Math.floor(Date.parse(options.builtAt) / 1000)) },
  });
  return out;
}

async function dir(path: string, file: string): Promise<string> {
  await Deno.mkdir(path, { recursive: true });
  return `${path}/${file}`;
}

async function md5(data: Uint8Array): Promise<string> {
  // md5sums is dpkg's format; WebCrypto has no MD5, so ask coreutils.
  const child = new Deno.Command("md5sum", { stdin: "piped", stdout: "piped" }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(data);
  await writer.close();
  const out = await child.output();
  return new TextDecoder().decode(out.stdout).split(" ")[0];
}

/** Package maintainer: `$PHASE_DEB_MAINTAINER` (set it for published builds). */
function maintainer(): string {
  return Deno.env.get("PHASE_DEB_MAINTAINER") ?? "Phase developers <phase@localhost>";
}

function changelog(version: string, builtAt: string): string {
  const date = new Date(builtAt).toUTCString().replace("GMT", "+0000");
  return `phase-relay (${version}) unstable; urgency=medium\n\n` +
    `  * Release ${version}.\n\n -- ${maintainer()}  ${date}\n`;
}

/** metadata.json of a service tarball. */
export interface TarballMetadata {
  /** Package name. */
  name: "phase-relay";
  /** Release version. */
  version: string;
  /** Canonical arch. */
  arch: Arch;
  /** Debian arch name. */
  debianArch: string;
  /** `offline` (npm Deno runtime + bundle) or `compiled` (deno compile). */
  form: "offline" | "compiled";
  /** Build time, ISO 8601. */
  builtAt: string;
  /** SHA-256 of every file in the package except metadata.json itself. */
  files: Record<string, string>;
}

/** Builds `phase-relay-<version>-<arch>.tar.gz`; returns its path. */
export async function buildTarball(
  program: ProgramInput,
  options: PackageOptions,
): Promise<string> {
  const form = program.compiledBinary ? "compiled" : "offline";
  const suffix = form === "compiled" ? "-compiled" : "";
  const name = `phase-relay-${options.version}-${program.arch}${suffix}`;
  const stage = `${options.workDir}/tar-${program.arch}-${form}/${name}`;
  await Deno.remove(stage, { recursive: true }).catch(() => {});
  await Deno.mkdir(stage, { recursive: true });
  await stageProgram(stage, program);
  await copy(`${FILES}/setup.sh`, `${stage}/setup.sh`, 0o755);
  await copy(`${FILES}/relay.toml`, `${stage}/relay.toml.example`, 0o644);
  await copy(`${FILES}/phase-relay.service`, `${stage}/phase-relay.service`, 0o644);
  await copy(`${FILES}/../README.md`, `${stage}/README.md`, 0o644);
  await Deno.writeTextFile(
    `${stage}/VERSION`,
    `phase-relay ${options.version} (${program.arch}, ${form})\n`,
  );
  const files: Record<string, string> = {};
  for (const f of await listFiles(stage)) files[f] = await fileSha256(`${stage}/${f}`);
  const metadata: TarballMetadata = {
    name: "phase-relay",
    version: options.version,
    arch: program.arch,
    debianArch: debianArch(program.arch),
    form,
    builtAt: options.builtAt,
    files,
  };
  await Deno.writeTextFile(`${stage}/metadata.json`, JSON.stringify(metadata, null, 2) + "\n");
  await Deno.mkdir(options.outDir, { recursive: true });
  const out = `${options.outDir}/${name}.tar.gz`;
  const gzip = options.compression === "gzip" ? "gzip -1" : "gzip -9";
  await run("tar", [
    "--sort=name",
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    `--mtime=${options.builtAt}`,
    `--use-compress-program=${gzip} -n`,
    "-cf",
    out,
    "-C",
    `${stage}/..`,
    name,
  ]);
  return out;
}
