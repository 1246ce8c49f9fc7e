/** Request, base and control URLs built by the client. */
import assert from "node:assert/strict";
import {
  controlUrl,
  describeBaseUrl,
  redirectTarget,
  requestUrlOf,
  resolveUrl,
} from "../../../src/client/client_urls.ts";
import { RtspHeaders } from "../../../src/wire/rtsp/headers.ts";
import { parseRtspUrl } from "../../../src/wire/rtsp/url.ts";
import { parseSdp } from "../../../src/wire/sdp/parse.ts";

Deno.test("requestUrlOf drops credentials and reduces tunnel schemes", () => {
  const cases = [
    ["rtsp://user:p%40ss@cam:554/live?x=1", "rtsp://cam:554/live?x=1"],
    ["rtsps+ws://[::1]:8322/a", "rtsps://[::1]:8322/a"],
    ["rtsp+http://h/a", "rtsp://h/a"],
  ];
  for (const [raw, want] of cases) assert.equal(requestUrlOf(parseRtspUrl(raw)), want, raw);
});

Deno.test("controlUrl: absolute as is, '*' and none mean the base, relative appended after '/'", () => {
  const cases: [string, string | undefined, string][] = [
    ["rtsp://h/p/", "trackID=0", "rtsp://h/p/trackID=0"],
    ["rtsp://h/p", "trackID=0", "rtsp://h/p/trackID=0"],
    ["rtsp://h/p", "/trackID=0", "rtsp://h/p/trackID=0"],
    ["rtsp://h/p?token=x", "streamid=1", "rtsp://h/p?token=x/streamid=1"],
    ["rtsp://h/p/", "rtsp://other/p/video", "rtsp://other/p/video"],
    ["rtsp://h/p/", "*", "rtsp://h/p/"],
    ["rtsp://h/p/", undefined, "rtsp://h/p/"],
    ["rtsp://h/p/", " ", "rtsp://h/p/"],
  ];
  for (const [base, control, want] of cases) {
    assert.equal(controlUrl(base, control), want, `${base} + ${control}`);
  }
});

Deno.test("resolveUrl: absolute, host-relative and path-relative references", () => {
  assert.equal(resolveUrl("rtsp://h:1/a/b", "rtsp://x/y"), "rtsp://x/y");
  assert.equal(resolveUrl("rtsp://h:1/a/b?q", "/c/"), "rtsp://h:1/c/");
  assert.equal(resolveUrl("rtsp://h:1/a/b", "c/"), "rtsp://h:1/a/c/");
});

Deno.test("describeBaseUrl: session a=control > Content-Base (relative OK) > Content-Location > request URL", () => {
  const plain = parseSdp("v=0\r\ns=x\r\nm=video 0 RTP/AVP 96\r\n");
  const withControl = parseSdp("v=0\r\ns=x\r\na=control:rtsp://cam/base/\r\nm=video 0 RTP/AVP 96\r\n");
  const star = parseSdp("v=0\r\ns=x\r\na=control:*\r\nm=video 0 RTP/AVP 96\r\n");
  const req = "rtsp://h:8554/live";
  assert.equal(
    describeBaseUrl(req, new RtspHeaders({ "Content-Base": "rtsp://h:8554/live/" }), withControl),
    "rtsp://cam/base/",
  );
  assert.equal(
    describeBaseUrl(req, new RtspHeaders({ "Content-Base": "rtsp://h:8554/live/" }), star),
    "rtsp://h:8554/live/",
  );
  assert.equal(
    describeBaseUrl(req, new RtspHeaders({ "Content-Base": "/other/" }), plain),
    "rtsp://h:8554/other/",
  );
  assert.equal(
    describeBaseUrl(req, new RtspHeaders({ "Content-Location": "rtsp://h:8554/loc/" }), plain),
    "rtsp://h:8554/loc/",
  );
  assert.equal(describeBaseUrl(req, new RtspHeaders(), plain), req);
});

Deno.test("redirectTarget: relative Location, credentials kept for the same host only, no rtsps downgrade", () => {
  const from = parseRtspUrl("rtsp://u:p@cam:554/a");
  assert.deepEqual(redirectTarget(from, "/b"), {
    scheme: "rtsp",
    host: "cam",
    port: 554,
    path: "/b",
    query: "",
    user: "u",
    password: "p",
  });
  const other = redirectTarget(from, "rtsp://other:8554/c");
  assert.equal(other.user, undefined);
  assert.equal(redirectTarget(parseRtspUrl("rtsps://cam/a"), "rtsps://cam2/b").host, "cam2");
  assert.throws(() => redirectTarget(parseRtspUrl("rtsps://cam/a"), "rtsp://cam/b"), /Refusing/);
});
