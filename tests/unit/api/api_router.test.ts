import { deepEqual, equal } from "node:assert/strict";
import { ApiRouter, type ApiRouterOptions } from "../../../src/api/api_router.ts";
import type { StatusSource } from "../../../src/api/status_types.ts";
import {
  type Authenticator,
  type AuthRequest,
  InternalAuthenticator,
  JwtAuthenticator,
} from "../../../src/auth/mod.ts";
import { Logger } from "../../../src/log/logger.ts";

const allow: Authenticator = { check: () => Promise.resolve({ kind: "ok", user: "" }), challenges: () => [] };
const status: StatusSource = {
  paths: () => [],
  rtspConns: (secure) => (secure ? undefined : []),
  rtspSessions: (secure) => (secure ? undefined : []),
};

function router(extra: Partial<ApiRouterOptions> = {}): ApiRouter {
  return new ApiRouter({
    version: "v0.0.0",
    startedMs: 0,
    allowOrigins: ["*"],
    trustedProxies: [],
    auth: allow,
    status,
    kick: () => false,
    log: new Logger("error", () => {}),
    failurePauseMs: () => 1,
    ...extra,
  });
}

async function call(r: ApiRouter, path: string, method = "GET") {
  const res = await r.handle(new Request(`http://127.0.0.1${path}`, { method }), {
    hostname: "127.0.0.1",
    port: 1,
  });
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    body: await res.text(),
    headers: res.headers,
  };
}

Deno.test("router: routes of a server that is not running, unknown routes and wrong methods are gin's 404", async () => {
  const r = router();
  for (
    const [path, method] of [
      ["/v3/rtspsconns/list", "GET"],
      ["/v3/rtspssessions/kick/x", "POST"],
      ["/v3/recordings/list", "GET"],
      ["/v3/paths/list", "POST"],
      ["/v3/rtspconns/kick/00000000-0000-0000-0000-000000000000", "POST"],
      ["/v3/config/global/get", "GET"],
      ["/", "GET"],
    ]
  ) {
    const res = await call(r, path, method);
    equal(res.status, 404, path);
    equal(res.body, "404 page not found");
    equal(res.type, "text/plain");
    equal(res.headers.get("server"), "mediamtx");
  }
});

Deno.test("router: 400 for bad ids and names, JSON envelopes", async () => {
  const r = router();
  const cases: [string, string, number, unknown][] = [
    ["/v3/rtspsessions/get/123", "GET", 400, { status: "error", error: "invalid UUID length: 3" }],
    ["/v3/rtspconns/get/zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "GET", 400, {
      status: "error",
      error: "invalid UUID format",
    }],
    ["/v3/paths/get/", "GET", 400, { status: "error", error: "invalid name" }],
    ["/v3/paths/get/a/b", "GET", 404, { status: "error", error: "path not found" }],
    ["/v3/rtspsessions/kick/00000000-0000-0000-0000-000000000000", "POST", 404, {
      status: "error",
      error: "session not found",
    }],
    ["/v3/rtspconns/list", "GET", 200, { itemCount: 0, pageCount: 0, items: [] }],
    ["/v3/auth/jwks/refresh", "POST", 200, { status: "ok" }],
  ];
  for (const [path, method, code, body] of cases) {
    const res = await call(r, path, method);
    equal(res.status, code, path);
    equal(res.type, "application/json; charset=utf-8");
    deepEqual(JSON.parse(res.body), body, path);
  }
});

Deno.test("router: config routes go to the config callback after auth", async () => {
  const seen: string[] = [];
  const r = router({
    config: (req) => {
      seen.push(`${req.method} ${req.route}`);
      return Promise.resolve({ status: 200, body: { status: "ok" } });
    },
  });
  equal((await call(r, "/v3/config/paths/get/a/b")).status, 200);
  deepEqual(seen, ["GET paths/get/a/b"]);
});

Deno.test("router: auth failure is 401; the challenge header only without credentials", async () => {
  const deny: Authenticator = {
    check: () => Promise.resolve({ kind: "denied", reason: "no" }),
    challenges: () => [],
  };
  const r = router({ auth: deny });
  const anon = await call(r, "/v3/info");
  equal(anon.status, 401);
  equal(anon.headers.get("www-authenticate"), 'Basic realm="mediamtx"');
  deepEqual(JSON.parse(anon.body), { status: "error", error: "authentication error" });
  const res = await r.handle(
    new Request("http://127.0.0.1/v3/info", { headers: { Authorization: `Basic ${btoa("a:b")}` } }),
    { hostname: "127.0.0.1", port: 1 },
  );
  equal(res.status, 401);
  equal(res.headers.get("www-authenticate"), null);
  await res.body?.cancel();
});

Deno.test("router: preflight is answered before auth", async () => {
  const deny: Authenticator = { check: () => Promise.resolve({ kind: "challenge" }), challenges: () => [] };
  const res = await router({ auth: deny, allowOrigins: ["http://a.com"] }).handle(
    new Request("http://127.0.0.1/v3/paths/list", {
      method: "OPTIONS",
      headers: { Origin: "http://a.com", "Access-Control-Request-Method": "GET" },
    }),
    { hostname: "127.0.0.1", port: 1 },
  );
  equal(res.status, 204);
  equal(res.headers.get("access-control-allow-origin"), "http://a.com");
});

Deno.test("router: a forged X-Forwarded-For entry left of the proxy's does not pass an IP-restricted user", async () => {
  const users = [{ user: "any", pass: "", ips: ["203.0.113.7"], permissions: [{ action: "api", path: "" }] }];
  const r = router({ auth: new InternalAuthenticator(users, ["basic"]), trustedProxies: ["127.0.0.1"] });
  const via = async (forwardedFor: string) => {
    const res = await r.handle(
      new Request("http://127.0.0.1/v3/paths/list", { headers: { "X-Forwarded-For": forwardedFor } }),
      { hostname: "127.0.0.1", port: 1 },
    );
    await res.body?.cancel();
    return res.status;
  };
  equal(await via("203.0.113.7"), 200);
  equal(await via("198.51.100.1, 203.0.113.7"), 200);
  equal(await via("203.0.113.7, 198.51.100.1"), 401);
});

Deno.test("router: empty ?page= and ?itemsPerPage= are the defaults", async () => {
  const res = await call(router(), "/v3/paths/list?page=&itemsPerPage=");
  equal(res.status, 200);
  deepEqual(JSON.parse(res.body), { itemCount: 0, pageCount: 0, items: [] });
});

Deno.test("router: the authenticator gets the raw query, but no JWT from ?jwt= or ?token=", async () => {
  const seen: AuthRequest[] = [];
  const auth = new JwtAuthenticator({
    jwksUrl: "http://127.0.0.1:9/never-fetched",
    claimKey: "mediamtx_permissions",
    issuer: "",
    audience: "",
    exclude: [],
    timeoutMs: 100,
    methods: ["basic"],
  });
  const spy: Authenticator = {
    check: (req) => {
      seen.push(req);
      return auth.check(req);
    },
    challenges: () => [],
  };
  const res = await call(router({ auth: spy }), "/v3/paths/list?jwt=a.b.c&token=d.e.f&x=1");
  equal(res.status, 401);
  equal(res.headers.get("www-authenticate"), 'Basic realm="mediamtx"');
  equal(seen[0].query, "jwt=a.b.c&token=d.e.f&x=1");
  equal(seen[0].action, "api");
});
