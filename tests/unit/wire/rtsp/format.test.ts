import assert from "node:assert/strict";
import { RtspHeaders } from "../../../../src/wire/rtsp/headers.ts";
import {
  formatInterleaved,
  formatRequest,
  formatResponse,
  newResponse,
  statusText,
  writeInterleavedHeader,
} from "../../../../src/wire/rtsp/format.ts";
import { ALL_CASES } from "./_fixtures.ts";
import { bytes, frameAll } from "./_plain.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

for (const c of ALL_CASES.filter((c) => c.canonical)) {
  Deno.test(`format writes ${c.name} byte for byte`, () => {
    const v = c.value;
    const out = v.kind === "request"
      ? formatRequest({
        method: v.method,
        url: v.url,
        version: "RTSP/1.0",
        headers: new RtspHeaders(v.headers),
        body: bytes(v.body),
      })
      : formatResponse({
        statusCode: v.statusCode,
        reason: v.reason,
        version: "RTSP/1.0",
        headers: new RtspHeaders(v.headers),
        body: bytes(v.body),
      });
    assert.equal(text(out), c.raw);
  });
}

Deno.test("statusText gives RFC 2326 §7.1.1 phrases and the RFC 4567 463", () => {
  const table: [number, string][] = [
    [200, "OK"],
    [302, "Moved Temporarily"],
    [400, "Bad Request"],
    [401, "Unauthorized"],
    [404, "Not Found"],
    [413, "Request Entity Too Large"],
    [454, "Session Not Found"],
    [455, "Method Not Valid in This State"],
    [457, "Invalid Range"],
    [459, "Aggregate Operation Not Allowed"],
    [461, "Unsupported Transport"],
    [463, "Key Management Failure"],
    [501, "Not Implemented"],
    [505, "RTSP Version Not Supported"],
    [299, "Unknown"],
  ];
  for (const [code, phrase] of table) assert.equal(statusText(code), phrase, String(code));
});

Deno.test("newResponse builds an RTSP/1.0 response from a record or headers", () => {
  const r = newResponse(454, { CSeq: "3" });
  assert.equal(r.version, "RTSP/1.0");
  assert.equal(r.reason, "");
  assert.equal(r.body.length, 0);
  assert.equal(text(formatResponse(r)), "RTSP/1.0 454 Session Not Found\r\nCSeq: 3\r\n\r\n");
  const h = new RtspHeaders().append("CSeq", "4");
  assert.equal(newResponse(200, h).headers, h);
  assert.equal(newResponse(200).headers.size, 0);
});

Deno.test("formatResponse keeps an explicit reason and derives Content-Length from the body", () => {
  const r = newResponse(463, { CSeq: "5", "Content-Length": "999" }, bytes("abc"));
  r.reason = "Key Management Failure";
  assert.equal(
    text(formatResponse(r)),
    "RTSP/1.0 463 Key Management Failure\r\nCSeq: 5\r\nContent-Length: 3\r\n\r\nabc",
  );
  // A stale Content-Length with no body is dropped, never sent alone.
  assert.equal(text(formatResponse(newResponse(200, { "content-length": "7" }))), "RTSP/1.0 200 OK\r\n\r\n");
});

Deno.test("formatted messages parse back to the same message", () => {
  const req = {
    method: "GET_PARAMETER",
    url: "rtsp://[::1]:8554/cam/1?token=a%20b",
    version: "RTSP/1.0",
    headers: new RtspHeaders([["CSeq", "7"], ["Session", "abc"], ["Content-Type", "text/parameters"]]),
    body: bytes("position\r\n"),
  };
  assert.deepEqual(frameAll([formatRequest(req)]), [{
    kind: "request",
    method: req.method,
    url: req.url,
    headers: [...req.headers, ["Content-Length", "10"]],
    body: "position\r\n",
  }]);
});

Deno.test("format refuses line breaks that would inject headers", () => {
  assert.throws(
    () => formatResponse(newResponse(200, { "Content-Base": "rtsp://h/p\r\nX-Evil: 1" })),
    RangeError,
  );
  assert.throws(() => formatResponse(newResponse(200, { "Bad Name": "x" })), RangeError);
  assert.throws(() =>
    formatRequest({
      method: "OPTIONS",
      url: "rtsp://h/a b",
      version: "RTSP/1.0",
      headers: new RtspHeaders(),
      body: new Uint8Array(0),
    }), RangeError);
  assert.throws(() => formatResponse({ ...newResponse(200), reason: "OK\r\n" }), RangeError);
  assert.throws(() => formatResponse(newResponse(42)), RangeError);
});

Deno.test("formatInterleaved writes $, channel and big-endian length (RFC 2326 §10.12)", () => {
  assert.deepEqual([...formatInterleaved(1, new Uint8Array([9, 8, 7]))], [0x24, 1, 0, 3, 9, 8, 7]);
  assert.deepEqual([...formatInterleaved(255, new Uint8Array(0))], [0x24, 255, 0, 0]);
  assert.deepEqual([...formatInterleaved(0, new Uint8Array(0x1234)).subarray(0, 4)], [0x24, 0, 0x12, 0x34]);
  assert.throws(() => formatInterleaved(256, new Uint8Array(1)), RangeError);
  assert.throws(() => formatInterleaved(0, new Uint8Array(0x10000)), RangeError);
});

Deno.test("writeInterleavedHeader fills reserved headroom in place", () => {
  const packet = new Uint8Array(4 + 1400);
  packet[4] = 0x80;
  writeInterleavedHeader(packet, 0, 2, 1400);
  assert.deepEqual([...packet.subarray(0, 5)], [0x24, 2, 0x05, 0x78, 0x80]);
  const batch = new Uint8Array(10);
  writeInterleavedHeader(batch, 6, 3, 0);
  assert.deepEqual([...batch.subarray(6)], [0x24, 3, 0, 0]);
  assert.throws(() => writeInterleavedHeader(batch, 7, 0, 0), RangeError);
  assert.throws(() => writeInterleavedHeader(batch, 0, -1, 0), RangeError);
  assert.throws(() => writeInterleavedHeader(batch, 0, 0, 70000), RangeError);
});
