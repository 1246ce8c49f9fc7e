/**
 * The RTSPSession counters the control API shows are real: loss from sequence gaps, packets in
 * error, RTCP in/in-error, reported loss from a reader's receiver report, bytes and packets out.
 * Raw RTSP clients on loopback drive them; the values are read from the API over HTTP.
 */
import assert from "node:assert/strict";
import { FFMPEG_VIDEO_SDP, RawRtsp, rtpPacket } from "./_raw_rtsp.ts";
import { startTestServer } from "./_server.ts";
import { waitFor } from "../_helpers/wait.ts";
import { allocatePorts } from "../_helpers/ports.ts";
import { formatInterleaved } from "../../src/wire/rtsp/format.ts";
import { buildReceiverReport, buildSenderReport } from "../../src/wire/rtcp/mod.ts";

const sessionId = (h: string | null | undefined) => h!.split(";")[0];
type Json = Record<string, unknown>;

Deno.test("api counters: loss from sequence gaps, RTP/RTCP in error, reported loss, bytes and packets out", async () => {
  const [apiPort] = await allocatePorts(1);
  await using srv = await startTestServer(`api: yes\napiAddress: 127.0.0.1:${apiPort}`, { quiet: true });
  const get = async (p: string) => {
    const res = await fetch(`http://127.0.0.1:${apiPort}${p}`);
    return await res.json() as Json;
  };
  const pub = await RawRtsp.connect(srv.ports.rtsp);
  const r = await RawRtsp.connect(srv.ports.rtsp);
  try {
    const url = srv.url("cnt");
    assert.equal(
      (await pub.request("ANNOUNCE", url, {
        "Content-Type": "application/sdp",
        "User-Agent": "raw-publisher/1",
      }, FFMPEG_VIDEO_SDP))
        .statusCode,
      200,
    );
    const setup = await pub.request("SETUP", `${url}/streamid=0`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
    });
    const pubSession = sessionId(setup.headers.get("Session"));
    assert.equal((await pub.request("RECORD", url, { Session: pubSession })).statusCode, 200);
    const payload = new Uint8Array([0x65, 1, 2, 3]); // an IDR slice: the reader gets the cache from here
    // seq 1, 2, 3, 6: 4 and 5 are lost. One packet with an unannounced payload type, one garbage RTCP.
    for (const seq of [1, 2, 3, 6]) {
      await pub.writeRaw(formatInterleaved(0, rtpPacket(seq, seq * 3000, payload)));
    }
    await pub.writeRaw(formatInterleaved(0, rtpPacket(7, 21000, payload, 0x11223344, 100)));
    await pub.writeRaw(formatInterleaved(1, new Uint8Array([1, 2, 3])));
    const sr = buildSenderReport({
      ssrc: 0x11223344,
      ntpTime: 0n,
      rtpTime: 0,
      packetCount: 4,
      octetCount: 16,
      reports: [],
    });
    await pub.writeRaw(formatInterleaved(1, sr));

    let publisher: Json = {};
    await waitFor(async () => {
      const list = await get("/v3/rtspsessions/list");
      publisher = (list.items as Json[]).find((s) => s.state === "publish") ?? {};
      return publisher.inboundRTCPPacketsInError === 1 && publisher.inboundRTCPPackets === 1 &&
        publisher.inboundRTPPacketsInError === 1;
    }, { timeoutMs: 5_000, message: "publisher counters" });
    assert.equal(publisher.inboundRTPPackets, 4);
    assert.equal(publisher.inboundRTPPacketsLost, 2);
    assert.equal(publisher.rtpPacketsLost, 2);
    assert.equal(publisher.userAgent, "raw-publisher/1");
    assert.equal(publisher.inboundBytes, 4 * 16 + 16 + 3 + sr.length);

    // A reader: gets the cached GOP, then reports 7 lost packets of the stream's SSRC.
    const rs = await r.request("SETUP", `${url}/streamid=0`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    const readSession = sessionId(rs.headers.get("Session"));
    assert.equal((await r.request("PLAY", url, { Session: readSession })).statusCode, 200);
    const first = await r.nextInterleaved();
    const ssrc = new DataView(first.payload.buffer, first.payload.byteOffset).getUint32(8);
    const rr = buildReceiverReport({
      ssrc: 0x55667788,
      reports: [{
        ssrc,
        fractionLost: 0,
        cumulativeLost: 7,
        highestSequence: 6,
        jitter: 0,
        lastSr: 0,
        delaySinceLastSr: 0,
      }],
    });
    await r.writeRaw(formatInterleaved(1, rr));
    let reader: Json = {};
    await waitFor(async () => {
      const list = await get("/v3/rtspsessions/list");
      reader = (list.items as Json[]).find((s) => s.state === "read") ?? {};
      return reader.outboundRTPPacketsReportedLost === 7;
    }, { timeoutMs: 5_000, message: "reported loss" });
    assert.ok((reader.outboundRTPPackets as number) >= 1);
    assert.ok((reader.outboundBytes as number) >= first.payload.length);
    assert.equal(reader.inboundRTCPPackets, 1);
    assert.equal(reader.outboundRTPPacketsDiscarded, 0);
    const path = await get("/v3/paths/get/cnt");
    assert.equal((path.readers as Json[])[0].id, reader.id);
    assert.equal((path.source as Json).id, publisher.id);
    assert.ok((path.inboundBytes as number) > 0);
    const conns = await get("/v3/rtspconns/list");
    const pubConn = (conns.items as Json[]).find((c) => c.session === publisher.id)!;
    assert.ok((pubConn.inboundBytes as number) > (publisher.inboundBytes as number), "conn counts RTSP too");
    assert.deepEqual(publisher.conns, [pubConn.id]);
  } finally {
    pub.conn.close();
    r.conn.close();
  }
});

Deno.test("api paths: configured paths are listed while unused (static sources with their type), regex paths only in use", async () => {
  const [apiPort] = await allocatePorts(1);
  await using _srv = await startTestServer(
    [
      "api: yes",
      `apiAddress: 127.0.0.1:${apiPort}`,
      "paths:",
      "  cam/door:",
      "    source: rtsp://127.0.0.1:9/none",
      "    sourceOnDemand: yes",
      "  moved:",
      "    source: redirect",
      "    sourceRedirect: rtsp://elsewhere/x",
      "  pub:",
      "  ~^re(\\d+)$:",
    ].join("\n"),
    { quiet: true },
  );
  const res = await fetch(`http://127.0.0.1:${apiPort}/v3/paths/list`);
  const list = await res.json() as { itemCount: number; items: Json[] };
  assert.deepEqual(list.items.map((p) => [p.name, p.confName, p.source, p.available]), [
    ["cam/door", "cam/door", { type: "rtspSource", id: "" }, false],
    ["moved", "moved", { type: "redirect", id: "" }, false],
    ["pub", "pub", null, false],
  ]);
  const one = await fetch(`http://127.0.0.1:${apiPort}/v3/paths/get/cam/door`);
  assert.equal(((await one.json()) as Json).name, "cam/door");
});
