/**
 * Static files for `GET /`: the web node build, or a placeholder page when
 * none is built.
 *
 * @module
 */

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  webmanifest: "application/manifest+json",
  wasm: "application/wasm",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
  map: "application/json",
};

const PLACEHOLDER = `<!doctype html><meta charset="utf-8"><title>Phase relay</title>
<h1>Phase relay</h1><p>The web node is not built on this relay. Build it with
<code>deno task build:web</code> (or start with <code>deno task start</code>), or
see <a href="/status">/status</a>.</p>`;

/** Serves files under `root` (or the placeholder); null when the path escapes or is not GET. */
export async function serveStatic(
  req: Request,
  root: string | undefined,
): Promise<Response | null> {
  if (req.method !== "GET" && req.method !== "HEAD") return null;
  const { pathname } = new URL(req.url);
  if (!root) {
    return pathname === "/" || pathname === "/index.html"
      ? new Response(PLACEHOLDER, { headers: { "content-type": TYPES.html } })
      : null;
  }
  const rel = decodeURIComponent(pathname).replace(/^\/+/, "") || "index.html";
  if (rel.split("/").some((part) => part === ".." || part.startsWith("."))) return null;
  for (const candidate of [rel, `${rel}/index.html`]) {
    try {
      const path = `${root}/${candidate}`;
      const info = await Deno.stat(path);
      if (!info.isFile) continue;
      const ext = candidate.slice(candidate.lastIndexOf(".") + 1);
      const headers: Record<string, string> = {
        "content-type": TYPES[ext] ?? "application/octet-stream",
        "content-length": String(info.size),
        // The app shell changes with each build; the service worker caches it.
        "cache-control": candidate === "sw.js" || ext === "html"
          ? "no-cache"
          : "public, max-age=300",
      };
      if (req.method === "HEAD") return new Response(null, { headers });
      const file = await Deno.open(path);
      return new Response(file.readable, { headers });
    } catch {
      // try the next candidate
    }
  }
  return null;
}
