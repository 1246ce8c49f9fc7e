import assert from "node:assert/strict";
import { RtspHeaders } from "../../../../src/wire/rtsp/headers.ts";
import {
  checkUpgradeRequest,
  checkUpgradeResponse,
  hasToken,
  upgradeResponseHeaders,
  websocketAccept,
} from "../../../../src/wire/websocket/handshake.ts";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";

Deno.test("handshake: RFC 6455 §1.3 accept value", () => {
  assert.equal(websocketAccept(KEY), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
});

function request(headers: [string, string][], over: { method?: string; version?: string } = {}) {
  return {
    method: over.method ?? "GET",
    version: over.version ?? "HTTP/1.1",
    headers: new RtspHeaders(headers),
  };
}

const BASE: [string, string][] = [
  ["Host", "127.0.0.1:8554"],
  ["Upgrade", "websocket"],
  ["Connection", "Upgrade"],
  ["Sec-WebSocket-Key", KEY],
  ["Sec-WebSocket-Version", "13"],
  ["Sec-WebSocket-Protocol", "rtsp.onvif.org"],
];

function replace(name: string, value: string | undefined): [string, string][] {
  const out = BASE.filter(([k]) => k !== name);
  if (value !== undefined) out.push([name, value]);
  return out;
}

const ACCEPTED: { name: string; headers: [string, string][] }[] = [
  { name: "a minimal ONVIF client", headers: BASE },
  { name: "Firefox: Connection: keep-alive, Upgrade", headers: replace("Connection", "keep-alive, Upgrade") },
  { name: "Upgrade: WebSocket in any case", headers: replace("Upgrade", "WebSocket") },
  { name: "lower-case header names", headers: BASE.map(([k, v]) => [k.toLowerCase(), v]) },
  { name: "several offered subprotocols", headers: replace("Sec-WebSocket-Protocol", "foo, rtsp.onvif.org") },
];

for (const c of ACCEPTED) {
  Deno.test(`handshake: accepts ${c.name}`, () => {
    assert.deepEqual(checkUpgradeRequest(request(c.headers)), {
      ok: true,
      key: KEY,
      protocol: "rtsp.onvif.org",
    });
  });
}

const REFUSED: { name: string; req: ReturnType<typeof request>; status: number }[] = [
  { name: "a missing key", req: request(replace("Sec-WebSocket-Key", undefined)), status: 400 },
  { name: "a key that is not 16 bytes", req: request(replace("Sec-WebSocket-Key", "c2hvcnQ=")), status: 400 },
  { name: "version 8", req: request(replace("Sec-WebSocket-Version", "8")), status: 426 },
  { name: "a missing version", req: request(replace("Sec-WebSocket-Version", undefined)), status: 426 },
  { name: "no subprotocol", req: request(replace("Sec-WebSocket-Protocol", undefined)), status: 400 },
  {
    name: "another subprotocol",
    req: request(replace("Sec-WebSocket-Protocol", "RTSP.ONVIF.ORG")),
    status: 400,
  },
  { name: "Connection without Upgrade", req: request(replace("Connection", "keep-alive")), status: 400 },
  { name: "HTTP/1.0", req: request(BASE, { version: "HTTP/1.0" }), status: 400 },
  { name: "POST", req: request(BASE, { method: "POST" }), status: 400 },
];

for (const c of REFUSED) {
  Deno.test(`handshake: refuses ${c.name} with ${c.status}`, () => {
    const r = checkUpgradeRequest(c.req);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.status, c.status);
  });
}

Deno.test("handshake: token lists span repeated header lines", () => {
  const h = new RtspHeaders([["Connection", "keep-alive"], ["connection", " UPGRADE "]]);
  assert.ok(hasToken(h, "Connection", "upgrade"));
  assert.ok(!hasToken(h, "Connection", "close"));
});

function response(status: number, headers: [string, string][]) {
  return { status, headers: new RtspHeaders(headers) };
}

Deno.test("handshake: a server answer is checked like RFC 6455 §4.1 says", () => {
  const good = upgradeResponseHeaders(KEY, "rtsp.onvif.org");
  assert.equal(checkUpgradeResponse(response(101, good), { key: KEY }), undefined);
  // gortsplib/MediaMTX omit the subprotocol: fine unless the caller insists.
  const noProtocol = good.filter(([k]) => k !== "Sec-WebSocket-Protocol");
  assert.equal(checkUpgradeResponse(response(101, noProtocol), { key: KEY }), undefined);
  assert.match(
    checkUpgradeResponse(response(101, noProtocol), { key: KEY, requireProtocolEcho: true })!,
    /echo/,
  );
  assert.match(checkUpgradeResponse(response(200, good), { key: KEY })!, /status 200/);
  assert.match(checkUpgradeResponse(response(101, good), { key: "AAAAAAAAAAAAAAAAAAAAAA==" })!, /Accept/);
  const other = [...noProtocol, ["Sec-WebSocket-Protocol", "chat"] as [string, string]];
  assert.match(checkUpgradeResponse(response(101, other), { key: KEY })!, /subprotocol/);
  const ext = [...good, ["Sec-WebSocket-Extensions", "permessage-deflate"] as [string, string]];
  assert.match(checkUpgradeResponse(response(101, ext), { key: KEY })!, /extensions/);
});
