import { assertEquals } from "../../shared/testing/mod.ts";
import { multiaddr } from "@multiformats/multiaddr";
import { hostOf, isPrivateHost } from "./_hosts.ts";

Deno.test("private hosts: loopback, RFC 1918, link-local, IPv6 unique local; not DNS names", () => {
  for (const h of ["localhost", "127.0.0.1", "10.1.2.3", "192.168.0.9", "172.20.0.1", "::1"]) {
    assertEquals(isPrivateHost(h), true, h);
  }
  for (const h of ["169.254.1.1", "fd00::1", "[fd12:3456::1]", "fc00::2"]) {
    assertEquals(isPrivateHost(h), true, h);
  }
  for (const h of ["example.com", "fcdn.example.com", "fdic.gov", "172.32.0.1", "8.8.8.8"]) {
    assertEquals(isPrivateHost(h), false, h);
  }
});

Deno.test("hostOf: the address or name of ip4, ip6, dns, dns4 and dns6 multiaddrs", () => {
  assertEquals(hostOf(multiaddr("/ip4/10.0.0.1/tcp/1/ws")), "10.0.0.1");
  assertEquals(hostOf(multiaddr("/ip6/fd00::1/tcp/1/ws")), "fd00::1");
  assertEquals(hostOf(multiaddr("/dns6/relay.example/tcp/443/wss")), "relay.example");
  assertEquals(hostOf(multiaddr("/dns4/fcdn.example.com/tcp/443/wss")), "fcdn.example.com");
  assertEquals(hostOf(multiaddr("/p2p-circuit")), undefined);
});
