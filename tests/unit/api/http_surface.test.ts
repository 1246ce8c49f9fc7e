import { equal } from "node:assert/strict";
import { allowedOrigin, ClientIpResolver, originMatches } from "../../../src/api/mod.ts";
import { IpList } from "../../../src/auth/mod.ts";

Deno.test("CORS origin matching: scheme, host, port (default ports filled in), wildcards", () => {
  const cases: [string, string, boolean][] = [
    ["http://example.com", "http://example.com", true],
    ["http://example.com", "http://example.com:80", true],
    ["https://example.com", "https://example.com:443", true],
    ["http://example.com", "https://example.com", false],
    ["http://example.com:8080", "http://example.com", false],
    ["https://*.example.com", "https://a.example.com", true],
    ["https://*.example.com", "https://example.com", true],
    ["https://*.example.com", "https://evil.com", false],
    ["http://192.168.1.*", "http://192.168.1.20", true],
    ["http://[::1]:8080", "http://[::1]:8080", true],
    ["http://example.com", "not an origin", false],
  ];
  for (const [allowed, origin, expected] of cases) {
    equal(originMatches(allowed, origin), expected, `${allowed} ${origin}`);
  }
});

Deno.test("Access-Control-Allow-Origin: the origin when listed, else * when listed, else none", () => {
  equal(allowedOrigin(["*"], "http://a.com"), "*");
  equal(allowedOrigin(["*"], null), "*");
  equal(allowedOrigin(["http://a.com", "*"], "http://a.com"), "http://a.com");
  equal(allowedOrigin(["http://a.com"], "http://b.com"), undefined);
  equal(allowedOrigin(["http://a.com"], null), undefined);
});

Deno.test("X-Forwarded-For counts only from trusted proxies, read from the right as gin does", () => {
  const proxies = new ClientIpResolver(["10.0.0.0/8", "::1"]);
  equal(proxies.resolve("10.1.2.3", "203.0.113.9, 10.1.2.3"), "203.0.113.9");
  equal(proxies.resolve("::1", "203.0.113.9"), "203.0.113.9");
  equal(proxies.resolve("::ffff:10.1.2.3", "203.0.113.9"), "203.0.113.9");
  equal(proxies.resolve("192.168.1.1", "127.0.0.1"), "192.168.1.1");
  equal(proxies.resolve("10.1.2.3", null), "10.1.2.3");
  // The client writes the leftmost entries: a forged one does not win over the address the proxy saw.
  equal(proxies.resolve("10.1.2.3", "127.0.0.1, 203.0.113.9"), "203.0.113.9");
  // Every hop trusted: the leftmost is the client.
  equal(proxies.resolve("10.1.2.3", "10.9.9.9, 10.1.2.3"), "10.9.9.9");
  // An unreadable hop: the peer.
  equal(proxies.resolve("10.1.2.3", "203.0.113.9, nonsense"), "10.1.2.3");
  equal(new ClientIpResolver([]).resolve("10.1.2.3", "127.0.0.1"), "10.1.2.3");
  // A Unix-socket peer (no address) is local.
  equal(new ClientIpResolver([]).resolve("", null), "127.0.0.1");
});

Deno.test("IpList: addresses and CIDRs of both families, IPv4-mapped peers, non-IPs", () => {
  const list = new IpList(["127.0.0.1", "192.168.0.0/16", "fd00::/8"]);
  equal(list.has("127.0.0.1"), true);
  equal(list.has("::ffff:192.168.4.5"), true);
  equal(list.has("fd12::1"), true);
  equal(list.has("127.0.0.2"), false);
  equal(list.has("example.com"), false);
  equal(new IpList([]).has("127.0.0.1"), false);
});
