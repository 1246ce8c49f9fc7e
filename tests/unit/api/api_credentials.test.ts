import { deepEqual, equal } from "node:assert/strict";
import { apiCredentials, basicAuthorization, TrustedProxies } from "../../../src/api/api_credentials.ts";

Deno.test("API credentials: Basic, Bearer user:pass, Bearer token, nothing", () => {
  deepEqual(apiCredentials(`Basic ${btoa("admin:s:ecret")}`), { user: "admin", pass: "s:ecret", token: "" });
  deepEqual(apiCredentials("Bearer admin:secret"), { user: "admin", pass: "secret", token: "" });
  deepEqual(apiCredentials("Bearer eyJhbGciOi.x.y"), { user: "", pass: "", token: "eyJhbGciOi.x.y" });
  deepEqual(apiCredentials("Bearer a:b:c"), { user: "", pass: "", token: "a:b:c" });
  deepEqual(apiCredentials(null), { user: "", pass: "", token: "" });
  deepEqual(apiCredentials("Basic !!!"), { user: "", pass: "", token: "" });
  deepEqual(apiCredentials('Digest username="x"'), { user: "", pass: "", token: "" });
});

Deno.test("a token reaches the authenticator as the Basic password of an empty user", () => {
  equal(basicAuthorization({ user: "", pass: "", token: "" }), undefined);
  equal(basicAuthorization({ user: "", pass: "", token: "tok" }), `Basic ${btoa(":tok")}`);
  equal(basicAuthorization({ user: "u", pass: "p", token: "" }), `Basic ${btoa("u:p")}`);
});

Deno.test("X-Forwarded-For counts only from trusted proxies", () => {
  const proxies = new TrustedProxies(["10.0.0.0/8", "::1"]);
  equal(proxies.clientIp("10.1.2.3", "203.0.113.9, 10.1.2.3"), "203.0.113.9");
  equal(proxies.clientIp("::1", "203.0.113.9"), "203.0.113.9");
  equal(proxies.clientIp("192.168.1.1", "127.0.0.1"), "192.168.1.1");
  equal(new TrustedProxies([]).clientIp("10.1.2.3", "127.0.0.1"), "10.1.2.3");
});
