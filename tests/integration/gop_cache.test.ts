/** The GOP cache over real sockets: a late reader starts at the last keyframe, even past writeQueueSize. */
import assert from "node:assert/strict";
import { FFMPEG_VIDEO_SDP, RawRtsp, rtpPacket } from "./_raw_rtsp.ts";
import { startTestServer } from "./_server.ts";

const sessionId = (h: string | undefined) => h!.split(";")[0];

Deno.test("gop cache: a late TCP reader gets the whole cached GOP even when it exceeds writeQueueSize", async () => {
  await using srv = await startTestServer("writeQueueSize: 16");
  await using pub = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("gop");
  await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
  let res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;interleaved=0-1;mode=record",
  });
  await pub.request("RECORD", url, { Session: sessionId(res.headers.get("Session")) });
  await pub.writeInterleaved(0, rtpPacket(1, 0, new Uint8Array([0x41, 0]))); // before any keyframe
  await pub.writeInterleaved(0, rtpPacket(2, 3000, new Uint8Array([0x65, 0x88]))); // IDR: the GOP starts
  for (let i = 3; i < 102; i++) {
    await pub.writeInterleaved(0, rtpPacket(i, i * 3000, new Uint8Array([0x41, i])));
  }
  // The publisher's packets are processed in order; an OPTIONS round trip proves the last one arrived.
  assert.equal((await pub.request("OPTIONS", url)).statusCode, 200);

  await using r = await RawRtsp.connect(srv.ports.rtsp);
  res = await r.request("SETUP", `${url}/trackID=0`, { Transport: "RTP/AVP/TCP;interleaved=0-1" });
  const play = await r.request("PLAY", url, { Session: sessionId(res.headers.get("Session")) });
  assert.match(play.headers.get("RTP-Info")!, /seq=2;rtptime=3000/, "RTP-Info points at the keyframe");
  const seqs: number[] = [];
  while (seqs.length < 100) {
    const f = await r.nextInterleaved();
    if (f.channel === 0) seqs.push((f.payload[2] << 8) | f.payload[3]);
  }
  assert.deepEqual(seqs, Array.from({ length: 100 }, (_, i) => i + 2), "all 100 cached packets, in order");
  assert.ok(!srv.logs.some((l) => l.includes("reader is too slow")), "nothing discarded");
});
