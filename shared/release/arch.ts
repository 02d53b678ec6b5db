/**
 * Architecture names for release artifacts. The canonical names are the
 * kernel's (`uname -m`): `x86_64` and `aarch64`; Debian's `amd64` and
 * `arm64` are accepted as aliases everywhere a user types an arch.
 *
 * @module
 */

/** A canonical architecture name. */
export type Arch = "x86_64" | "aarch64";

/** Every canonical architecture Phase ships. */
export const ARCHES: readonly Arch[] = ["x86_64", "aarch64"];

const ALIASES: Record<string, Arch> = {
  x86_64: "x86_64",
  amd64: "x86_64",
  x64: "x86_64",
  aarch64: "aarch64",
  arm64: "aarch64",
};

/** The canonical name for `name` (`amd64` -> `x86_64`, `arm64` -> `aarch64`), or null. */
export function normalizeArch(name: string): Arch | null {
  return ALIASES[name.toLowerCase()] ?? null;
}

/** Debian's architecture name for a canonical arch (`x86_64` -> `amd64`). */
export function debianArch(arch: Arch): "amd64" | "arm64" {
  return arch === "x86_64" ? "amd64" : "arm64";
}
