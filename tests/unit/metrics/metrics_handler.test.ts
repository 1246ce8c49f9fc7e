import { deepStrictEqual, equal, match } from "node:assert/strict";
import { InternalAuthenticator } from "../../../src/auth/mod.ts";
import { defaultAuthInternalUsers } from "../../../src/config/defaults.ts";
import { Logger } from "../../../src/log/logger.ts";
import { createMetricsHandler, formatMetrics, NO_METRICS_FILTER } from "../../../src/metrics/mod.ts";
import type { MetricsHandlerOptions } from "../../../src/metrics/mod.ts";
import { apiPath, fakeStatus } from "./_fake_status.ts";

const STATUS = fakeStatus({ paths: [apiPath("cam", { ready: true })], conns: [], sessions: [] });
const LOCAL = { hostname: "127.0.0.1", port: 50000 };
const REMOTE = { hostname: "10.0.0.7", port: 50000 };
const ADMIN = [{ user: "admin", pass: "secret", ips: [], permissions: [{ action: "metrics", path: "" }] }];

function handler(over: Partial<MetricsHandlerOptions> = {}) {
  const logs: string[] = [];
  const pauses: number[] = [];
  const h = createMetricsHandler({
    status: STATUS,
    allowOrigins: ["*"],
    trustedProxies: [],
    log: new Logger("debug", (line) => logs.push(line)),
    failurePauseMs: () => {
      pauses.push(1);
      return 0;
    },
    ...over,
  });
  return { h, logs, pauses };
}

function get(path: string, headers: Record<string, string> = {}, method = "GET"): Request {
  return new Request(`http://127.0.0.1:9998${path}`, { method, headers });
}

Deno.test("GET /metrics: 200, text/plain; charset=utf-8, Server: mediamtx, the formatted status", async () => {
  const { h } = handler();
  const res = await h(get("/metrics"), LOCAL);
  equal(res.status, 200);
  equal(res.headers.get("Content-Type"), "text/plain; charset=utf-8");
  equal(res.headers.get("Server"), "mediamtx");
  equal(await res.text(), formatMetrics(STATUS, NO_METRICS_FILTER));
});

Deno.test("the query filters the body", async () => {
  const { h } = handler();
  const res = await h(get("/metrics?type=rtsp_conns"), LOCAL);
  equal(
    await res.text(),
    "# RTSP connections\nrtsp_conns 0\nrtsp_conns_inbound_bytes 0\n" +
      "rtsp_conns_outbound_bytes 0\n\n# RTSP connections (deprecated)\nrtsp_conns_bytes_received 0\n" +
      "rtsp_conns_bytes_sent 0\n\n",
  );
});

Deno.test("other routes and methods: 404 page not found (text/plain), after authentication", async () => {
  const { h } = handler({ auth: new InternalAuthenticator(ADMIN, ["basic"]) });
  equal((await h(get("/other"), LOCAL)).status, 401);
  for (const req of [get("/other"), get("/metrics", {}, "POST"), get("/metrics/", {})]) {
    const auth = { Authorization: `Basic ${btoa("admin:secret")}` };
    const res = await h(new Request(req.url, { method: req.method, headers: auth }), LOCAL);
    equal(res.status, 404, `${req.method} ${req.url}`);
    equal(res.headers.get("Content-Type"), "text/plain");
    equal(await res.text(), "404 page not found");
  }
});

Deno.test("CORS preflight: 204 before authentication, methods OPTIONS, GET, header Authorization", async () => {
  const { h } = handler({ auth: new InternalAuthenticator(ADMIN, ["basic"]) });
  const res = await h(
    get("/metrics", { "Access-Control-Request-Method": "GET", Origin: "http://grafana.lan:3000" }, "OPTIONS"),
    REMOTE,
  );
  equal(res.status, 204);
  equal(res.headers.get("Access-Control-Allow-Methods"), "OPTIONS, GET");
  equal(res.headers.get("Access-Control-Allow-Headers"), "Authorization");
  equal(res.headers.get("Access-Control-Allow-Origin"), "*");
  equal(res.headers.get("Access-Control-Allow-Credentials"), null);
  equal(res.headers.get("Server"), "mediamtx");
  equal(await res.text(), "");
});

Deno.test("no credentials: 401 JSON error with a Basic challenge and no pause", async () => {
  const { h, logs, pauses } = handler({ auth: new InternalAuthenticator(ADMIN, ["basic"]) });
  const res = await h(get("/metrics"), LOCAL);
  equal(res.status, 401);
  equal(res.headers.get("WWW-Authenticate"), 'Basic realm="mediamtx"');
  equal(res.headers.get("Content-Type"), "application/json; charset=utf-8");
  equal(await res.text(), '{"status":"error","error":"authentication error"}');
  deepStrictEqual([logs, pauses], [[], []]);
});

Deno.test("wrong credentials: 401 without challenge, a warning, and the pause", async () => {
  const { h, logs, pauses } = handler({ auth: new InternalAuthenticator(ADMIN, ["basic"]) });
  const res = await h(get("/metrics", { Authorization: `Basic ${btoa("admin:nope")}` }), LOCAL);
  equal(res.status, 401);
  equal(res.headers.get("WWW-Authenticate"), null);
  equal(await res.text(), '{"status":"error","error":"authentication error"}');
  equal(pauses.length, 1);
  equal(logs.length, 1);
  match(logs[0], /WAR .*\[conn 127\.0\.0\.1:50000\] failed to authenticate: /);
  match(logs[0], /^(?!.*nope)/);
});

Deno.test("right credentials: Basic, and Bearer user:pass as MediaMTX reads it", async () => {
  const { h } = handler({ auth: new InternalAuthenticator(ADMIN, ["basic"]) });
  equal((await h(get("/metrics", { Authorization: `Basic ${btoa("admin:secret")}` }), LOCAL)).status, 200);
  equal((await h(get("/metrics", { Authorization: "Bearer admin:secret" }), LOCAL)).status, 200);
  equal((await h(get("/metrics", { Authorization: "Bearer admin:nope" }), LOCAL)).status, 401);
});

Deno.test("default users: metrics from localhost only; a trusted proxy forwards the client IP", async () => {
  const users = defaultAuthInternalUsers();
  const { h } = handler({ auth: new InternalAuthenticator(users, ["basic"]) });
  equal((await h(get("/metrics"), LOCAL)).status, 200);
  equal((await h(get("/metrics"), REMOTE)).status, 401);
  // X-Forwarded-For counts only from a trusted proxy.
  equal((await h(get("/metrics", { "X-Forwarded-For": "127.0.0.1" }), REMOTE)).status, 401);
  const proxied = handler({
    auth: new InternalAuthenticator(users, ["basic"]),
    trustedProxies: ["10.0.0.0/8"],
  });
  equal((await proxied.h(get("/metrics", { "X-Forwarded-For": "127.0.0.1" }), REMOTE)).status, 200);
  equal(
    (await proxied.h(get("/metrics", { "X-Forwarded-For": "127.0.0.1, 192.0.2.1" }), REMOTE)).status,
    401,
  );
  equal(
    (await proxied.h(get("/metrics", { "X-Forwarded-For": "192.0.2.1, 127.0.0.1" }), REMOTE)).status,
    200,
  );
});

Deno.test("Access-Control-Allow-Origin follows metricsAllowOrigins", async () => {
  const table: [string[], string | null, string | null][] = [
    [["*"], "http://a.lan", "*"],
    [["*"], null, "*"],
    [["http://a.lan"], "http://a.lan", "http://a.lan"],
    [["http://a.lan:80"], "http://a.lan", "http://a.lan"],
    [["http://a.lan"], "http://a.lan:8080", null],
    [["http://a.lan"], "https://a.lan", null],
    [["http://a.lan", "*"], "http://b.lan", "*"],
    [["https://*.example.com"], "https://cam.example.com", "https://cam.example.com"],
    [["https://*.example.com"], "https://example.com", "https://example.com"],
    [["https://*.example.com"], "https://evil.com", null],
    [[], "http://a.lan", null],
  ];
  for (const [allowOrigins, origin, expected] of table) {
    const { h } = handler({ allowOrigins });
    const res = await h(get("/metrics", origin === null ? {} : { Origin: origin }), LOCAL);
    equal(res.headers.get("Access-Control-Allow-Origin"), expected, `${allowOrigins} ${origin}`);
  }
});
