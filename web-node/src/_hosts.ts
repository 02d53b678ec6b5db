/**
 * Which hosts count as private for the tab's dial policy: browsers refuse
 * private addresses from public pages, so a public page must not try them.
 *
 * @module
 */

import type { Multiaddr } from "@multiformats/multiaddr";

const IP4_PRIVATE = [/^10\./, /^127\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^169\.254\./];

/** Whether `host` (a page's hostname or a multiaddr's host) is loopback, link-local or private. */
export function isPrivateHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" ||
    IP4_PRIVATE.some((re) => re.test(host)) ||
    /^\[?f[cd][0-9a-f]{0,2}:/i.test(host); // IPv6 unique local (fc00::/7), not DNS names
}

const HOST_PROTOCOLS = ["ip4", "ip6", "dns", "dns4", "dns6"];

/** The IP address or DNS name a multiaddr dials, if any. */
export function hostOf(ma: Multiaddr): string | undefined {
  return ma.getComponents().find((c) => HOST_PROTOCOLS.includes(c.name))?.value;
}
