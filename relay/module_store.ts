/**
 * The content-addressed module store: `PUT /v1/modules/{sha256}` stores a
 * body that hashes to its name; `GET` serves it with `Range`, `ETag` and
 * immutable caching. Files are written to a temporary name and renamed, so a
 * crash never leaves a partial module under a valid name.
 *
 * @module
 */

import { sha256Hex } from "../shared/crypto/mod.ts";
import { readLimited } from "../shared/encoding/mod.ts";
import { parseRange } from "./releases.ts";

const PREFIX = "/v1/modules/";
const NAME = /^[0-9a-f]{64}$/;

/** Options of {@linkcode createModuleStore}. */
export interface ModuleStoreOptions {
  /** Directory the modules live in. */
  dir: string;
  /** Largest accepted body. */
  maxBytes: number;
  /** Called after a module is stored. */
  onStored?: (sha256: string, size: number) => void;
  /** Called when a GET serves a stored module's bytes (whole or a range). */
  onRead?: (sha256: string) => void;
}

/** JSON error body used by every relay endpoint. */
export function jsonError(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/** Creates the store's route handler: a Response for /v1/modules/..., null otherwise. */
export function createModuleStore(
  options: ModuleStoreOptions,
): (req: Request) => Promise<Response | null> {
  let ready: Promise<void> | undefined;
  const ensureDir = () => ready ??= Deno.mkdir(options.dir, { recursive: true });

  return async (req) => {
    const { pathname } = new URL(req.url);
    if (!pathname.startsWith(PREFIX)) return null;
    const name = pathname.slice(PREFIX.length);
    if (!NAME.test(name)) {
      await req.body?.cancel();
      return jsonError(400, "bad_module_name", "module names are 64 lowercase hex characters");
    }
    const path = `${options.dir}/${name}.wasm`;
    if (req.method === "PUT") return await put(req, name, path);
    if (req.method === "GET" || req.method === "HEAD") return await get(req, name, path);
    return jsonError(405, "method_not_allowed", "use GET, HEAD or PUT");
  };

  async function put(req: Request, name: string, path: string): Promise<Response> {
    const declared = Number(req.headers.get("content-length") ?? NaN);
    if (declared > options.maxBytes) {
      await req.body?.cancel();
      return jsonError(413, "module_too_large", `modules are limited to ${options.maxBytes} bytes`);
    }
    const body = await readLimited(req.body, options.maxBytes);
    if (!body) {
      return jsonError(413, "module_too_large", `modules are limited to ${options.maxBytes} bytes`);
    }
    if (sha256Hex(body) !== name) {
      return jsonError(422, "hash_mismatch", "the body's SHA-256 does not match the name");
    }
    await ensureDir();
    const tmp = `${path}.${crypto.randomUUID()}.tmp`;
    await Deno.writeFile(tmp, body);
    await Deno.rename(tmp, path);
    options.onStored?.(name, body.length);
    return Response.json({ sha256: name, size: body.length }, { status: 201 });
  }

  async function get(req: Request, name: string, path: string): Promise<Response> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path);
    } catch {
      return jsonError(404, "not_found", `no module ${name}`);
    }
    const size = (await file.stat()).size;
    const etag = `"${name}"`;
    const headers: Record<string, string> = {
      "content-type": "application/wasm",
      "etag": etag,
      "accept-ranges": "bytes",
      "cache-control": "public, max-age=31536000, immutable",
    };
    if (req.headers.get("if-none-match") === etag) {
      file.close();
      return new Response(null, { status: 304, headers });
    }
    const range = parseRange(req.headers.get("range"), size);
    if (range === "unsatisfiable") {
      file.close();
      return new Response(null, {
        status: 416,
        headers: { ...headers, "content-range": `bytes */${size}` },
      });
    }
    if (req.method === "HEAD") {
      file.close();
      return new Response(null, { headers: { ...headers, "content-length": String(size) } });
    }
    options.onRead?.(name);
    if (!range) {
      return new Response(file.readable, {
        headers: { ...headers, "content-length": String(size) },
      });
    }
    const length = range.end - range.start + 1;
    const bytes = new Uint8Array(length);
    await file.seek(range.start, Deno.SeekMode.Start);
    let read = 0;
    while (read < length) {
      const n = await file.read(bytes.subarray(read));
      if (n === null) break;
      read += n;
    }
    file.close();
    return new Response(bytes, {
      status: 206,
      headers: {
        ...headers,
        "content-length": String(length),
        "content-range": `bytes ${range.start}-${range.end}/${size}`,
      },
    });
  }
}
