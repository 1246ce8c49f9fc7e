/** Pulling a path from another server (`source:`), always on and on demand, over every scheme. */
import assert from "node:assert/strict";
import { FFMPEG_VIDEO_SDP, RawRtsp, rtpPacket } from "./_raw_rtsp.ts";
import { startTestServer } from "./_server.ts";
import type { TestServer } from "./_server.ts";
import { waitFor } from "../_helpers/wait.ts";

const sessionId = (h: string | undefined) => h!.split(";")[0];

/** Publishes on `path` of `srv` over TCP; returns the publishing connection. */
async function publish(srv: TestServer, path: string): Promise<RawRtsp> {
  const pub = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url(path);
  await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
  const res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;interleaved=0-1;mode=record",
  });
  assert.equal(
    (await pub.request("RECORD", url, { Session: sessionId(res.headers.get("Session")) })).statusCode,
    200,
  );
  return pub;
}

/** Reads media 0 of `path` over TCP until `count` packets with the expected payload arrive. */
async function readThrough(srv: TestServer, path: string, pub: RawRtsp, count = 10): Promise<void> {
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url(path);
  const res = await r.request("SETUP", `${url}/trackID=0`, { Transport: "RTP/AVP/TCP;interleaved=0-1" });
  assert.equal(res.statusCode, 200, `SETUP ${path}`);
  await r.request("PLAY", url, { Session: sessionId(res.headers.get("Session")) });
  // Keep publishing until the relayed packets show up (the source may still be starting).
  let seq = 0;
  const got: number[] = [];
  const deadline = Date.now() + 8000;
  while (got.length < count && Date.now() < deadline) {
    await pub.writeInterleaved(0, rtpPacket(seq, seq * 3000, new Uint8Array([0x41, 0xab, seq & 0xff])));
    seq++;
    const f = await r.nextInterleaved(200).catch(() => undefined);
    if (f !== undefined && f.channel === 0 && f.payload[13] === 0xab) got.push(f.payload[14]);
  }
  assert.ok(got.length >= count, `only ${got.length} packets relayed through ${path}`);
  for (let i = 1; i < got.length; i++) assert.equal(got[i], (got[i - 1] + 1) & 0xff, "in order, none lost");
}

Deno.test("source: an always-on rtsp:// source retries until the origin publishes, then relays it", async () => {
  await using srv = await startTestServer((p) => `
paths:
  origin:
  relay:
    source: rtsp://127.0.0.1:${p.rtsp}/origin
    sourceRetryPause: 300ms
`);
  await waitFor(() => srv.logs.some((l) => /\[path relay\] \[RTSP source\] .*retrying in 300 ms/.test(l)), {
    timeoutMs: 5000,
    message: "the source did not report its failure",
  });
  await using pub = await publish(srv, "origin");
  await waitFor(() => srv.logs.some((l) => /\[path relay\] \[RTSP source\] ready/.test(l)), {
    timeoutMs: 5000,
    message: "the source did not become ready",
  });
  await readThrough(srv, "relay", pub);
  await using other = await RawRtsp.connect(srv.ports.rtsp);
  const ann = await other.request(
    "ANNOUNCE",
    srv.url("relay"),
    { "Content-Type": "application/sdp" },
    FFMPEG_VIDEO_SDP,
  );
  assert.equal(ann.statusCode, 400, "nobody can publish on a path with a static source");
});

for (const scheme of ["rtsp+http", "rtsp+ws"]) {
  Deno.test(`source: on-demand ${scheme}:// source on a regex path starts with its first reader and stops after`, async () => {
    await using srv = await startTestServer((p) => `
paths:
  "~^relay_(\\\\w+)$":
    source: ${scheme}://127.0.0.1:${p.rtsp}/$G1
    sourceOnDemand: yes
    sourceOnDemandStartTimeout: 3s
    sourceOnDemandCloseAfter: 500ms
  all_others:
`);
    await using pub = await publish(srv, "cam");
    await readThrough(srv, "relay_cam", pub);
    await waitFor(
      () => srv.logs.some((l) => l.includes("[path relay_cam] closing the on-demand source: no readers")),
      {
        timeoutMs: 5000,
        message: "the on-demand source was not closed after its last reader",
      },
    );
    const tunnel = scheme === "rtsp+http" ? "http" : "websocket";
    assert.ok(
      srv.logs.some((l) => l.includes(`tunnel=${tunnel}] opened`)),
      `pulled through the ${tunnel} tunnel`,
    );
    await waitFor(() => !srv.app.pathManager.paths.has("relay_cam"), {
      timeoutMs: 3000,
      message: "path not forgotten",
    });
  });
}

Deno.test("source: an on-demand source that cannot start answers 400 after sourceOnDemandStartTimeout", async () => {
  await using srv = await startTestServer((p) => `
paths:
  broken:
    source: rtsp://127.0.0.1:${p.rtsp}/nothing_here
    sourceOnDemand: yes
    sourceOnDemandStartTimeout: 1s
    sourceRetryPause: 200ms
  nothing_here:
`);
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  const started = Date.now();
  const res = await r.request("DESCRIBE", srv.url("broken"));
  assert.equal(res.statusCode, 400);
  assert.ok(Date.now() - started >= 900, "the reader was held while the source tried");
});

Deno.test("source: redirect answers 302 with an absolute Location", async () => {
  await using srv = await startTestServer(`
paths:
  old:
    source: redirect
    sourceRedirect: /new
  new:
`);
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  const res = await r.request("DESCRIBE", srv.url("old"));
  assert.equal(res.statusCode, 302);
  assert.equal(res.headers.get("Location"), srv.url("new"));
});
