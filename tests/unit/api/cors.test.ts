import { equal } from "node:assert/strict";
import { allowedOrigin, originMatches } from "../../../src/api/cors.ts";

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
  ];
  for (const [allowed, origin, expected] of cases) {
    equal(originMatches(allowed, origin), expected, `${allowed} ${origin}`);
  }
});

Deno.test("Access-Control-Allow-Origin: the origin when listed, else * when listed, else none", () => {
  equal(allowedOrigin(["*"], "http://a.com"), "*");
  equal(allowedOrigin(["http://a.com", "*"], "http://a.com"), "http://a.com");
  equal(allowedOrigin(["http://a.com"], "http://b.com"), undefined);
  equal(allowedOrigin(["http://a.com"], null), undefined);
});
