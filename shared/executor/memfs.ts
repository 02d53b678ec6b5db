/**
 * An in-memory filesystem for WASI guests: regular files, directories and
 * symbolic links under one root. The job's input files are copied in before
 * the run and its output files are read back after it; the guest never sees a
 * host filesystem.
 *
 * @module
 */

import { Errno } from "./_wasi_constants.ts";

/** Fields every inode has. */
interface InodeBase {
  /** Inode number, unique within this filesystem. */
  ino: bigint;
  /** Access, modification and status-change times, nanoseconds since the epoch. */
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  /** Hard links to this inode. */
  nlink: number;
}

/** A regular file; `data` may be longer than `size` (spare capacity). */
export interface FileNode extends InodeBase {
  kind: "file";
  data: Uint8Array;
  size: number;
}

/** A directory; `parent` is null only for the root. */
export interface DirNode extends InodeBase {
  kind: "dir";
  entries: Map<string, Inode>;
  parent: DirNode | null;
}

/** A symbolic link holding a relative target path. */
export interface SymlinkNode extends InodeBase {
  kind: "symlink";
  target: string;
}

/** Any inode. */
export type Inode = FileNode | DirNode | SymlinkNode;

/** Where a path leads: the directory holding the last component, and the inode if it exists. */
export interface Resolved {
  /** Directory that holds (or would hold) the final component; null for the root itself. */
  parent: DirNode | null;
  /** Final component name ("" when the path names the starting directory itself). */
  name: string;
  /** The inode, when it exists. */
  node: Inode | undefined;
  /** The path ended in `/`, so it must name a directory. */
  mustBeDir: boolean;
}

/** Options of {@linkcode MemFs}. */
export interface MemFsOptions {
  /** Current time in nanoseconds since the epoch, for timestamps. */
  now?: () => bigint;
  /** Most bytes all files together may hold; writes past it fail with ENOSPC. */
  maxBytes?: number;
}

const MAX_SYMLINK_DEPTH = 32;

/** The in-memory filesystem. */
export class MemFs {
  /** The root directory, preopened as `/`. */
  readonly root: DirNode;
  /** Bytes held by all files. */
  usedBytes = 0;
  readonly #now: () => bigint;
  #maxBytes: number;
  #nextIno = 1n;

  /** Creates an empty filesystem. */
  constructor(options: MemFsOptions = {}) {
    this.#now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
    this.#maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    this.root = this.newDir(null);
  }

  /** Changes the size limit (bytes all files together may hold). */
  setMaxBytes(maxBytes: number): void {
    this.#maxBytes = maxBytes;
  }

  /** Current time for timestamps. */
  now(): bigint {
    return this.#now();
  }

  /** A new, unlinked directory. */
  newDir(parent: DirNode | null): DirNode {
    const t = this.#now();
    return {
      kind: "dir",
      ino: this.#nextIno++,
      atim: t,
      mtim: t,
      ctim: t,
      nlink: 1,
      entries: new Map(),
      parent,
    };
  }

  /** A new, unlinked empty file. */
  newFile(): FileNode {
    const t = this.#now();
    return {
      kind: "file",
      ino: this.#nextIno++,
      atim: t,
      mtim: t,
      ctim: t,
      nlink: 0,
      data: new Uint8Array(0),
      size: 0,
    };
  }

  /** A new, unlinked symbolic link. */
  newSymlink(target: string): SymlinkNode {
    const t = this.#now();
    return { kind: "symlink", ino: this.#nextIno++, atim: t, mtim: t, ctim: t, nlink: 0, target };
  }

  /**
   * Host side: creates or replaces the file at absolute `path` (parents are
   * created). Counts towards the size limit like guest writes.
   */
  writeFile(path: string, data: Uint8Array): void {
    const parts = splitAbsolute(path);
    const name = parts.pop();
    if (!name) throw new TypeError(`not a file path: ${path}`);
    const dir = this.mkdirp("/" + parts.join("/"));
    const old = dir.entries.get(name);
    if (old?.kind === "dir") throw new TypeError(`is a directory: ${path}`);
    const file = this.newFile();
    file.data = data.slice();
    file.size = data.length;
    file.nlink = 1;
    if (old?.kind === "file") this.unlinked(old);
    this.usedBytes += data.length;
    dir.entries.set(name, file);
  }

  /** Host side: creates the directory at absolute `path` and its parents. */
  mkdirp(path: string): DirNode {
    let dir = this.root;
    for (const part of splitAbsolute(path)) {
      const next = dir.entries.get(part);
      if (next === undefined) {
        const created = this.newDir(dir);
        dir.entries.set(part, created);
        dir = created;
      } else if (next.kind === "dir") {
        dir = next;
      } else {
        throw new TypeError(`not a directory: ${path}`);
      }
    }
    return dir;
  }

  /** Host side: the contents of the regular file at absolute `path`, following symlinks. */
  readFile(path: string): Uint8Array | undefined {
    const rel = splitAbsolute(path).join("/");
    if (rel === "") return undefined;
    const r = this.resolve(this.root, rel, true);
    if (typeof r === "number" || r.node?.kind !== "file") return undefined;
    return r.node.data.slice(0, r.node.size);
  }

  /**
   * Resolves `path` relative to `base`. Intermediate symlinks are always
   * followed, the final one only when `follow`. Returns an errno on failure
   * (absolute paths and escapes above the root give NOTCAPABLE).
   */
  resolve(base: DirNode, path: string, follow: boolean, depth = 0): Resolved | number {
    if (path.length === 0) return Errno.NOENT;
    if (path.includes("\0")) return Errno.INVAL;
    if (path.startsWith("/")) return Errno.NOTCAPABLE;
    const parts = path.split("/");
    let mustBeDir = false;
    while (parts.length > 1 && parts[parts.length - 1] === "") {
      parts.pop();
      mustBeDir = true;
    }
    let dir = base;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const last = i === parts.length - 1;
      if (part === "" || part === ".") {
        if (last) return { parent: dir.parent, name: "", node: dir, mustBeDir: true };
        continue;
      }
      if (part === "..") {
        if (dir.parent === null) return Errno.NOTCAPABLE;
        dir = dir.parent;
        if (last) return { parent: dir.parent, name: "", node: dir, mustBeDir: true };
        continue;
      }
      if (part.length > 255) return Errno.NAMETOOLONG;
      let node = dir.entries.get(part);
      if (last) {
        if (node?.kind === "symlink" && (follow || mustBeDir)) {
          if (depth >= MAX_SYMLINK_DEPTH) return Errno.LOOP;
          const target = node.target + (mustBeDir ? "/" : "");
          return this.resolve(dir, target, true, depth + 1);
        }
        return { parent: dir, name: part, node, mustBeDir };
      }
      if (node === undefined) return Errno.NOENT;
      if (node.kind === "symlink") {
        if (depth >= MAX_SYMLINK_DEPTH) return Errno.LOOP;
        const r = this.resolve(dir, node.target, true, depth + 1);
        if (typeof r === "number") return r;
        if (r.node === undefined) return Errno.NOENT;
        node = r.node;
      }
      if (node.kind !== "dir") return Errno.NOTDIR;
      dir = node;
    }
    return { parent: dir.parent, name: "", node: dir, mustBeDir: true };
  }

  /** Makes room for `size` bytes in `file`; false when the size limit forbids it. */
  reserve(file: FileNode, size: number): boolean {
    if (size <= file.size) return true;
    if (this.usedBytes + (size - file.size) > this.#maxBytes) return false;
    if (size > file.data.length) {
      const grown = new Uint8Array(
        Math.max(size, Math.min(file.data.length * 2, size + (1 << 26))),
      );
      grown.set(file.data.subarray(0, file.size));
      file.data = grown;
    }
    return true;
  }

  /** Sets a file's size (zero-filling growth); false when the size limit forbids it. */
  setSize(file: FileNode, size: number): boolean {
    if (size > file.size) {
      if (!this.reserve(file, size)) return false;
      file.data.fill(0, file.size, size);
    } else {
      file.data.fill(0, size, file.size);
    }
    this.usedBytes += size - file.size;
    file.size = size;
    return true;
  }

  /** Writes `bytes` at `offset`; returns false when the size limit forbids it. */
  write(file: FileNode, offset: number, bytes: Uint8Array): boolean {
    const end = offset + bytes.length;
    if (end > file.size) {
      if (!this.setSize(file, end)) return false;
    }
    file.data.set(bytes, offset);
    file.mtim = file.ctim = this.#now();
    return true;
  }

  /** Bookkeeping after a name of `node` was removed. */
  unlinked(node: Inode): void {
    node.nlink--;
    node.ctim = this.#now();
    if (node.kind === "file" && node.nlink <= 0) {
      this.usedBytes -= node.size;
    }
  }
}

function splitAbsolute(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out;
}
