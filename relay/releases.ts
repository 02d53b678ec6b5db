/**
 * Release artifacts served by the relay, so relays can bootstrap from each
 * other:
 *
 * - `GET /v1/releases/manifest.json`: the signed release manifest
 *   (see shared/release), or 404 when this relay carries no release.
 * - `GET /v1/releases/{channel}/{arch}/{file}`: an artifact, with `Range`
 *   (one range; multi-range requests get the whole file), `ETag`,
 *   `Accept-Ranges` and immutable caching (file names carry the version).
 *   `amd64`/`x86_64` and `arm64`/`aarch64` are aliases.
 *
 * Files come from a directory laid out as `deno task dist` writes
 * `dist/releases/`: `manifest.json` and `{channel}/{x86_64|aarch64}/{file}`.
 * The relay reads it from `<state-dir>/releases/` by default.
 *
 * @module
 */

import { isArtifactFileName, isChannelName, normalizeArch } from "../shared/release/mod.ts";

/** Options of {@linkcode createReleasesHandler}. */
export interface ReleasesOptions {
  /** Directory holding `manifest.json` and `{channel}/{arch}/{file}`. */
  dir: string;
}

/** A route handler: a Response for paths under `/v1/releases/`, null for anything else. */
export type ReleasesHandler = (request: Request) => Promise<Response | null>;

const PREFIX = "/v1/releases/";

function jsonError(
  status: number,
  code: string,
  message: string,
  extra: HeadersInit = {},
): Response {
  return new Response(JSON.stringify({ error: code, message }) + "\n", {
    status,
    headers: { "content-type": "application/json", ...extra },
  });
}

function contentType(file: string): string {
  if (file.endsWith(".deb")) return "application/vnd.debian.binary-package";
  if (file.endsWith(".tar.gz") || file.endsWith(".tgz")) return "application/gzip";
  if (file.endsWith(".json")) return "application/json";
  return "application/octet-stream";
}

/** Parsed single byte range, or "unsatisfiable", or null (serve the whole file). */
export function parseRange(
  header: string | null,
  size: number,
): { start: number; end: number } | "unsatisfiable" | null {
  if (!header) return null;
  const m = header.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === "" && m[2] === "")) return null; // multi-range or malformed: whole file
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== "" && Number(m[2]) < start) return null;
  }
  if (start >= size || size === 0) return "unsatisfiable";
  return { start, end };
}

async function serveFile(request: Request, path: string, immutable: boolean): Promise<Response> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return jsonError(404, "not_found", "no such release file");
    }
    throw err;
  }
  const info = await file.stat();
  if (!info.isFile) {
    file.close();
    return jsonError(404, "not_found", "no such release file");
  }
  const size = info.size;
  const etag = `"${size.toString(16)}-${(info.mtime?.getTime() ?? 0).toString(16)}"`;
  const headers: Record<string, string> = {
    "content-type": contentType(path),
    "accept-ranges": "bytes",
    etag,
    "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
  };
  if (request.headers.get("if-none-match") === etag) {
    file.close();
    return new Response(null, { status: 304, headers });
  }
  let range = parseRange(request.headers.get("range"), size);
  const ifRange = request.headers.get("if-range");
  if (ifRange && ifRange !== etag) range = null;
  if (range === "unsatisfiable") {
    file.close();
    return jsonError(416, "range_not_satisfiable", `file has ${size} bytes`, {
      "content-range": `bytes */${size}`,
    });
  }
  const start = range?.start ?? 0;
  const length = range ? range.end - start + 1 : size;
  headers["content-length"] = String(length);
  if (range) headers["content-range"] = `bytes ${start}-${range.end}/${size}`;
  const status = range ? 206 : 200;
  if (request.method === "HEAD") {
    file.close();
    return new Response(null, { status, headers });
  }
  if (start > 0) await file.seek(start, Deno.SeekMode.Start);
  return new Response(limitedStream(file, length), { status, headers });
}

function limitedStream(file: Deno.FsFile, length: number): ReadableStream<Uint8Array> {
  let left = length;
  return new ReadableStream({
    type: "bytes",
    async pull(controller) {
      const chunk = new Uint8Array(Math.min(65536, left));
      const n = left > 0 ? await file.read(chunk) : null;
      if (n === null || n === 0) {
        file.close();
        controller.close();
        return;
      }
      left -= n;
      controller.enqueue(chunk.subarray(0, n));
      if (left === 0) {
        file.close();
        controller.close();
      }
    },
    cancel() {
      file.close();
    },
  });
}

/** Creates the handler for `/v1/releases/...`; returns null for other paths. */
export function createReleasesHandler(options: ReleasesOptions): ReleasesHandler {
  const dir = options.dir.replace(/\/+$/, "");
  return async (request) => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(PREFIX)) return null;
    if (request.method !== "GET" && request.method !== "HEAD") {
      return jsonError(405, "method_not_allowed", "use GET or HEAD", { allow: "GET, HEAD" });
    }
    const rest = url.pathname.slice(PREFIX.length);
    if (rest === "manifest.json") return await serveFile(request, `${dir}/manifest.json`, false);
    const parts = rest.split("/").map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return "";
      }
    });
    if (parts.length !== 3) return jsonError(404, "not_found", "no such release path");
    const [channel, archName, file] = parts;
    const arch = normalizeArch(archName);
    if (!isChannelName(channel) || !isArtifactFileName(file)) {
      return jsonError(400, "bad_release_path", "bad channel or file name");
    }
    if (!arch) return jsonError(404, "unknown_arch", `unknown arch ${archName}`);
    return await serveFile(request, `${dir}/${channel}/${arch}/${file}`, true);
  };
}
