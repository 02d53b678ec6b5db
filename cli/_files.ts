// Reads a host directory into the in-memory form the sandbox mounts at `/`.

/** Every regular file under `root`, keyed by its absolute guest path. */
export async function readDir(root: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  async function walk(dir: string, prefix: string) {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path, `${prefix}/${entry.name}`);
      else if (entry.isFile) files.set(`${prefix}/${entry.name}`, await Deno.readFile(path));
    }
  }
  await walk(root.replace(/\/+$/, ""), "");
  return files;
}
