import assert from "node:assert/strict";
import {
  formatResponseHead,
  type HttpRequestHead,
  HttpRequestHeadParser,
  parseRequestHead,
} from "../../../../src/wire/http/request_head.ts";
import { formatRequestHead, HttpResponseHeadParser } from "../../../../src/wire/http/response_head.ts";
import {
  DENO_WEBSOCKET_UPGRADE,
  FFMPEG_TUNNEL_GET,
  FFMPEG_TUNNEL_POST,
  FIREFOX_STYLE_UPGRADE,
  GST_TUNNEL_GET,
  GST_TUNNEL_POST,
} from "./_fixtures.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A head as plain data, for deepEqual. */
function plain(h: HttpRequestHead) {
  return { method: h.method, target: h.target, version: h.version, headers: [...h.headers] };
}

const CASES: {
  name: string;
  raw: string;
  method: string;
  target: string;
  version: string;
  count: number;
  rest: string;
}[] = [
  {
    name: "ffmpeg tunnel GET",
    raw: FFMPEG_TUNNEL_GET,
    method: "GET",
    target: "/test?x=1",
    version: "HTTP/1.1",
    count: 9,
    rest: "",
  },
  {
    name: "ffmpeg tunnel POST",
    raw: FFMPEG_TUNNEL_POST,
    method: "POST",
    target: "/test?x=1",
    version: "HTTP/1.1",
    count: 11,
    rest: FFMPEG_TUNNEL_POST.slice(FFMPEG_TUNNEL_POST.indexOf("\r\n\r\n") + 4),
  },
  {
    name: "GStreamer tunnel GET",
    raw: GST_TUNNEL_GET,
    method: "GET",
    target: "/test?x=1",
    version: "HTTP/1.0",
    count: 6,
    rest: "",
  },
  {
    name: "GStreamer tunnel POST",
    raw: GST_TUNNEL_POST,
    method: "POST",
    target: "/rec",
    version: "HTTP/1.0",
    count: 9,
    rest: GST_TUNNEL_POST.slice(GST_TUNNEL_POST.indexOf("\r\n\r\n") + 4),
  },
  {
    name: "Deno WebSocket upgrade",
    raw: DENO_WEBSOCKET_UPGRADE,
    method: "GET",
    target: "/cam?x=1",
    version: "HTTP/1.1",
    count: 7,
    rest: "",
  },
  {
    name: "Firefox-style upgrade",
    raw: FIREFOX_STYLE_UPGRADE,
    method: "GET",
    target: "/",
    version: "HTTP/1.1",
    count: 12,
    rest: "",
  },
];

for (const c of CASES) {
  Deno.test(`request head: parses ${c.name}`, () => {
    const done = new HttpRequestHeadParser().push(enc(c.raw));
    assert.ok(done);
    assert.equal(done.head.method, c.method);
    assert.equal(done.head.target, c.target);
    assert.equal(done.head.version, c.version);
    assert.equal(done.head.headers.size, c.count);
    assert.equal(dec(done.rest), c.rest);
  });

  Deno.test(`request head: ${c.name} split at every offset gives the same head`, () => {
    const raw = enc(c.raw);
    const whole = new HttpRequestHeadParser().push(raw)!;
    for (let k = 0; k <= raw.length; k++) {
      const p = new HttpRequestHeadParser();
      const first = p.push(raw.subarray(0, k));
      const done = first ?? p.push(raw.subarray(k));
      assert.ok(done, `split at ${k}`);
      assert.deepEqual(plain(done.head), plain(whole.head), `split at ${k}`);
      // Bytes after the head come back whole, whichever push completed it.
      const rest = first !== undefined ? dec(first.rest) + dec(raw.subarray(k)) : dec(done.rest);
      assert.equal(rest, c.rest, `split at ${k}`);
    }
  });
}

Deno.test("request head: header values keep their case; names are looked up in any case", () => {
  const h = parseRequestHead(FFMPEG_TUNNEL_GET);
  assert.equal(h.headers.get("X-SessionCookie"), "56cd13d5b1e4c5c8");
  assert.equal(h.headers.get("accept"), "application/x-rtsp-tunnelled");
});

Deno.test("request head: bare LF line ends are tolerated", () => {
  const done = new HttpRequestHeadParser().push(enc("GET / HTTP/1.1\nHost: a\n\nxyz"));
  assert.equal(done?.head.headers.get("Host"), "a");
  assert.equal(dec(done!.rest), "xyz");
});

const INVALID: { name: string; raw: string; error: typeof SyntaxError | typeof RangeError }[] = [
  { name: "an RTSP request line", raw: "OPTIONS * RTSP/1.0\r\n\r\n", error: SyntaxError },
  { name: "HTTP/2.0", raw: "GET / HTTP/2.0\r\n\r\n", error: SyntaxError },
  { name: "a missing target", raw: "GET HTTP/1.1\r\n\r\n", error: SyntaxError },
  { name: "double spaces", raw: "GET  / HTTP/1.1\r\n\r\n", error: SyntaxError },
  { name: "a header without a colon", raw: "GET / HTTP/1.1\r\nHost\r\n\r\n", error: SyntaxError },
  { name: "a space before the colon", raw: "GET / HTTP/1.1\r\nHost : a\r\n\r\n", error: SyntaxError },
  { name: "a folded header", raw: "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", error: SyntaxError },
  { name: "a control character in a value", raw: "GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", error: SyntaxError },
  { name: "too many headers", raw: `GET / HTTP/1.1\r\n${"A: b\r\n".repeat(101)}\r\n`, error: RangeError },
];

for (const c of INVALID) {
  Deno.test(`request head: rejects ${c.name}`, () => {
    assert.throws(() => new HttpRequestHeadParser().push(enc(c.raw)), c.error);
  });
}

Deno.test("request head: a head longer than the limit is a RangeError, complete or not", () => {
  const limits = { maxHeadBytes: 64, maxHeaderCount: 10 };
  assert.throws(
    () => new HttpRequestHeadParser(limits).push(enc(`GET / HTTP/1.1\r\nA: ${"x".repeat(80)}`)),
    RangeError,
  );
  assert.throws(
    () => new HttpRequestHeadParser(limits).push(enc(`GET / HTTP/1.1\r\nA: ${"x".repeat(80)}\r\n\r\n`)),
    RangeError,
  );
  // Exactly at the limit is fine.
  const exact = `GET / HTTP/1.1\r\nA: ${"x".repeat(64 - 23)}\r\n\r\n`;
  assert.equal(exact.length, 64);
  assert.ok(new HttpRequestHeadParser(limits).push(enc(exact)));
});

Deno.test("response head: the tunnel 200 is formatted byte for byte", () => {
  const raw = formatResponseHead({
    status: 200,
    headers: [["Cache-Control", "no-cache"], ["Connection", "close"]],
  });
  assert.equal(dec(raw), "HTTP/1.1 200 OK\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n");
  assert.equal(
    dec(formatResponseHead({ status: 101, version: "HTTP/1.1" })),
    "HTTP/1.1 101 Switching Protocols\r\n\r\n",
  );
  assert.throws(() => formatResponseHead({ status: 200, headers: [["Bad Name", "x"]] }), RangeError);
  assert.throws(() => formatResponseHead({ status: 200, headers: [["A", "x\r\nInjected: y"]] }), RangeError);
});

Deno.test("response head: parsed back by the client parser, with the bytes after it", () => {
  const raw = enc("HTTP/1.0 200 OK\r\nContent-Type: application/x-rtsp-tunnelled\r\n\r\nRTSP/1.0 200 OK\r\n");
  for (let k = 0; k <= raw.length; k++) {
    const p = new HttpResponseHeadParser();
    const first = p.push(raw.subarray(0, k));
    const done = first ?? p.push(raw.subarray(k))!;
    assert.equal(done.head.status, 200);
    assert.equal(done.head.reason, "OK");
    const rest = first !== undefined ? dec(first.rest) + dec(raw.subarray(k)) : dec(done.rest);
    assert.equal(rest, "RTSP/1.0 200 OK\r\n");
  }
  assert.equal(new HttpResponseHeadParser().push(enc("HTTP/1.1 101\r\n\r\n"))?.head.reason, "");
  assert.throws(() => new HttpResponseHeadParser().push(enc("RTSP/1.0 200 OK\r\n\r\n")), SyntaxError);
});

Deno.test("request head: formatted requests parse back", () => {
  const raw = formatRequestHead({ method: "POST", target: "/a?b=c", headers: [["X-Sessioncookie", "abc"]] });
  assert.deepEqual(plain(parseRequestHead(dec(raw))), {
    method: "POST",
    target: "/a?b=c",
    version: "HTTP/1.1",
    headers: [["X-Sessioncookie", "abc"]],
  });
  assert.throws(() => formatRequestHead({ method: "GET", target: "/a b", headers: [] }), RangeError);
});
