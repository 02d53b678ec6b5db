// The web node's service worker (Workbox): precaches the app shell so the page
// loads instantly and offline, and keeps modules by SHA-256 forever (a module
// URL names its content, so a cached copy is never stale and never fetched
// twice). The build injects the precache list into self.__WB_MANIFEST.

import { cleanupOutdatedCaches, precacheAndRoute } from "workbox-precaching";
import { registerRoute } from "workbox-routing";
import { CacheFirst, NetworkOnly } from "workbox-strategies";

declare const self: { __WB_MANIFEST: { url: string; revision: string }[] } & EventTarget & {
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
};

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

/** Cache name for modules fetched from the relay's store. */
const MODULES_CACHE = "phase-modules-v1";

registerRoute(
  ({ url }) => /^\/v1\/modules\/[0-9a-f]{64}$/.test(url.pathname),
  new CacheFirst({ cacheName: MODULES_CACHE }),
  "GET",
);
// Live data is never cached.
registerRoute(
  ({ url }) => ["/bootstrap", "/status", "/health", "/metrics"].includes(url.pathname),
  new NetworkOnly(),
);

self.addEventListener("install", () => void self.skipWaiting());
self.addEventListener("activate", (event) => {
  (event as Event & { waitUntil(p: Promise<unknown>): void }).waitUntil(self.clients.claim());
});
