/** Raw RTSP dialogues against the real server over loopback sockets: every method and error status. */
import assert from "node:assert/strict";
import { bodyText, FFMPEG_ANNOUNCE_SDP, RawRtsp, rtpPacket } from "./_raw_rtsp.ts";
import { startTestServer } from "./_server.ts";
import type { TestServer } from "./_server.ts";
import { waitFor } from "../_helpers/wait.ts";

const sessionId = (h: string | undefined) => h!.split(";")[0];

/** Publishes the ffmpeg SDP over TCP on `path`; returns the connection and its session. */
async function publishTcp(srv: TestServer, path: string): Promise<{ pub: RawRtsp; session: string }> {
  const pub = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url(path);
  let res = await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_ANNOUNCE_SDP);
  assert.equal(res.statusCode, 200);
  res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
  });
  assert.equal(res.statusCode, 200, "record SETUP");
  const session = sessionId(res.headers.get("Session"));
  res = await pub.request("SETUP", `${url}/streamid=1`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=2-3;mode=record",
    Session: session,
  });
  assert.equal(res.statusCode, 200);
  res = await pub.request("RECORD", url, { Session: session, Range: "npt=0.000-" });
  assert.equal(res.statusCode, 200);
  return { pub, session };
}

Deno.test("OPTIONS lists the methods and echoes CSeq", async () => {
  await using srv = await startTestServer();
  await using c = await RawRtsp.connect(srv.ports.rtsp);
  const res = await c.request("OPTIONS", srv.url("x"));
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers.get("CSeq"), "1");
  assert.equal(
    res.headers.get("Public"),
    "DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, GET_PARAMETER, TEARDOWN",
  );
});

Deno.test("a request without CSeq gets 400 without CSeq, then the connection is closed (gortsplib)", async () => {
  await using srv = await startTestServer();
  await using c = await RawRtsp.connect(srv.ports.rtsp);
  const res = await c.request("OPTIONS", srv.url("x"), {}, "", { cseq: null });
  assert.equal(res.statusCode, 400);
  assert.equal(res.headers.get("CSeq"), undefined);
  await c.waitClosed();
  assert.ok(c.eof, "closed after the 400");
});

Deno.test("unknown methods and SET_PARAMETER get 501", async () => {
  await using srv = await startTestServer();
  await using c = await RawRtsp.connect(srv.ports.rtsp);
  assert.equal((await c.request("SET_PARAMETER", srv.url("x"))).statusCode, 501);
  assert.equal((await c.request("FLY", srv.url("x"))).statusCode, 501);
  assert.equal(
    (await c.request("GET_PARAMETER", srv.url("x"))).statusCode,
    501,
    "GET_PARAMETER outside a session",
  );
});

Deno.test("DESCRIBE: 404 on a configured path nobody publishes, 400 on an unconfigured one", async () => {
  await using srv = await startTestServer("paths:\n  cam1:\n");
  await using c = await RawRtsp.connect(srv.ports.rtsp);
  assert.equal((await c.request("DESCRIBE", srv.url("cam1"))).statusCode, 404);
  assert.equal((await c.request("DESCRIBE", srv.url("other"))).statusCode, 400);
  assert.equal((await c.request("DESCRIBE", srv.url("../etc"))).statusCode, 400);
});

Deno.test("ANNOUNCE needs application/sdp and an SDP with media", async () => {
  await using srv = await startTestServer();
  await using c = await RawRtsp.connect(srv.ports.rtsp);
  let res = await c.request("ANNOUNCE", srv.url("s"), { "Content-Type": "text/plain" }, FFMPEG_ANNOUNCE_SDP);
  assert.equal(res.statusCode, 400);
  res = await c.request("ANNOUNCE", srv.url("s"), { "Content-Type": "application/sdp" }, "v=0\r\ns=x\r\n");
  assert.equal(res.statusCode, 400);
});

Deno.test("publish over TCP, DESCRIBE the stream, read it over TCP with the SSRC rewritten", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "live/cam");
  await using _p = pub;
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("live/cam");
  let res = await r.request("DESCRIBE", url, { Accept: "application/sdp" });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers.get("Content-Base"), url + "/");
  assert.equal(res.headers.get("Content-Type"), "application/sdp");
  const sdp = bodyText(res);
  assert.match(sdp, /^v=0\r\n/);
  assert.match(sdp, /m=video 0 RTP\/AVP 96\r\n/);
  assert.match(sdp, /a=control:trackID=0\r\n/);
  assert.match(sdp, /a=control:trackID=1\r\n/);
  assert.match(sdp, /a=rtpmap:97 MPEG4-GENERIC\/48000\/1/);

  res = await r.request("SETUP", `${url}/trackID=0`, { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1" });
  assert.equal(res.statusCode, 200);
  const session = sessionId(res.headers.get("Session"));
  assert.match(res.headers.get("Session")!, /^[0-9a-f]{32};timeout=55$/);
  const transport = res.headers.get("Transport")!;
  assert.match(transport, /^RTP\/AVP\/TCP;unicast;interleaved=0-1;ssrc=[0-9A-F]{8}$/);
  const ssrc = parseInt(transport.split("ssrc=")[1], 16);

  res = await r.request("PLAY", url, { Session: session });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers.get("RTP-Info")!, new RegExp(`^url=${url}/trackID=0`));

  const payload = new Uint8Array([0x41, 1, 2, 3, 4, 5]);
  await pub.writeInterleaved(0, rtpPacket(1000, 90000, payload));
  const frame = await r.nextInterleaved();
  assert.equal(frame.channel, 0);
  const view = new DataView(frame.payload.buffer, frame.payload.byteOffset);
  assert.equal(view.getUint16(2), 1000, "sequence number is relayed as is");
  assert.equal(view.getUint32(8), ssrc, "SSRC is the one announced in SETUP");
  assert.deepEqual(frame.payload.subarray(12), payload);
});

Deno.test("read over UDP through the shared server ports", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "udpread");
  await using _p = pub;
  const rtpSock = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  await using _s = { [Symbol.asyncDispose]: () => Promise.resolve(rtpSock.close()) };
  const clientPort = (rtpSock.addr as Deno.NetAddr).port;
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("udpread");
  let res = await r.request("SETUP", `${url}/trackID=0`, {
    Transport: `RTP/AVP;unicast;client_port=${clientPort}-${clientPort + 1}`,
  });
  assert.equal(res.statusCode, 200);
  assert.match(
    res.headers.get("Transport")!,
    new RegExp(
      `^RTP/AVP;unicast;client_port=${clientPort}-${
        clientPort + 1
      };server_port=${srv.ports.rtp}-${srv.ports.rtcp}`,
    ),
  );
  res = await r.request("PLAY", url, { Session: sessionId(res.headers.get("Session")) });
  assert.equal(res.statusCode, 200);
  await pub.writeInterleaved(0, rtpPacket(7, 1234, new Uint8Array([9, 9, 9])));
  const [data, from] = await rtpSock.receive();
  assert.equal((from as Deno.NetAddr).port, srv.ports.rtp, "sent from the server RTP port");
  assert.deepEqual(data.subarray(12), new Uint8Array([9, 9, 9]));
});

Deno.test("SETUP: 461 for transports that are disabled or unavailable, first acceptable spec wins", async () => {
  await using srv = await startTestServer("rtspTransports: [tcp]");
  const { pub } = await publishTcp(srv, "t");
  await using _p = pub;
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("t") + "/trackID=0";
  assert.equal(
    (await r.request("SETUP", url, { Transport: "RTP/AVP;unicast;client_port=5000-5001" })).statusCode,
    461,
  );
  assert.equal((await r.request("SETUP", url, { Transport: "RTP/AVP;multicast" })).statusCode, 461);
  assert.equal(
    (await r.request("SETUP", url, { Transport: "RTP/SAVP/TCP;interleaved=0-1" })).statusCode,
    461,
  );
  const res = await r.request("SETUP", url, {
    Transport: "RTP/AVP;unicast;client_port=5000-5001,RTP/AVP/TCP;unicast;interleaved=4-5",
  });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers.get("Transport")!, /interleaved=4-5/);
});

Deno.test("SETUP errors: no Transport, bad Transport, same media twice, UDP without client_port", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "e");
  await using _p = pub;
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("e") + "/trackID=0";
  assert.equal((await r.request("SETUP", url)).statusCode, 400);
  assert.equal((await r.request("SETUP", url, { Transport: "garbage" })).statusCode, 400);
  assert.equal((await r.request("SETUP", url, { Transport: "RTP/AVP;unicast" })).statusCode, 400);
  const res = await r.request("SETUP", url, { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1" });
  assert.equal(res.statusCode, 200);
  const again = await r.request("SETUP", url, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=2-3",
    Session: sessionId(res.headers.get("Session")),
  });
  assert.equal(again.statusCode, 400);
  assert.equal(
    (await r.request("SETUP", srv.url("e") + "/trackID=9", { Transport: "RTP/AVP/TCP" })).statusCode,
    400,
  );
});

Deno.test("sessions: 454 for unknown ids, GET_PARAMETER keepalive, TEARDOWN ends the session", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "k");
  await using _p = pub;
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("k");
  assert.equal((await r.request("PLAY", url, { Session: "0123456789abcdef" })).statusCode, 454);
  assert.equal((await r.request("PLAY", url)).statusCode, 501, "PLAY without Session: 501, as MediaMTX");
  const res = await r.request("SETUP", `${url}/trackID=1`, { Transport: "RTP/AVP/TCP;unicast" });
  assert.equal(res.statusCode, 200);
  assert.match(
    res.headers.get("Transport")!,
    /interleaved=0-1/,
    "first free pair when the client lets us choose",
  );
  const session = sessionId(res.headers.get("Session"));
  const gp = await r.request("GET_PARAMETER", url, { Session: session });
  assert.equal(gp.statusCode, 200);
  assert.equal(gp.headers.get("Content-Type"), "text/parameters");
  assert.equal((await r.request("TEARDOWN", url, { Session: session })).statusCode, 200);
  assert.equal((await r.request("PLAY", url, { Session: session })).statusCode, 454);
  assert.equal((await r.request("OPTIONS", url)).statusCode, 200, "the connection survives TEARDOWN");
});

Deno.test("PLAY and RECORD in the wrong state get 400, as in MediaMTX (gortsplib never sends 455)", async () => {
  await using srv = await startTestServer();
  const { pub, session } = await publishTcp(srv, "w");
  await using _p = pub;
  assert.equal((await pub.request("PLAY", srv.url("w"), { Session: session })).statusCode, 400);
  assert.equal(
    (await pub.request("RECORD", srv.url("w"), { Session: session })).statusCode,
    400,
    "RECORD twice",
  );
  const ann = await pub.request("ANNOUNCE", srv.url("w"), {
    "Content-Type": "application/sdp",
    Session: session,
  }, FFMPEG_ANNOUNCE_SDP);
  assert.equal(ann.statusCode, 400, "a second ANNOUNCE");
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  const res = await r.request("SETUP", srv.url("w") + "/trackID=0", { Transport: "RTP/AVP/TCP;unicast" });
  const reader = sessionId(res.headers.get("Session"));
  assert.equal((await r.request("RECORD", srv.url("w"), { Session: reader })).statusCode, 400);
  assert.equal((await r.request("PLAY", srv.url("w"), { Session: reader })).statusCode, 200, "still usable");
});

Deno.test("maxReaders: the reader over the limit gets 400", async () => {
  await using srv = await startTestServer("paths:\n  all_others:\n    maxReaders: 1\n");
  const { pub } = await publishTcp(srv, "m");
  await using _p = pub;
  await using r1 = await RawRtsp.connect(srv.ports.rtsp);
  await using r2 = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("m") + "/trackID=0";
  assert.equal((await r1.request("SETUP", url, { Transport: "RTP/AVP/TCP;unicast" })).statusCode, 200);
  assert.equal((await r2.request("SETUP", url, { Transport: "RTP/AVP/TCP;unicast" })).statusCode, 400);
});

Deno.test("overridePublisher: false refuses a second publisher; true kicks the first", async () => {
  {
    await using srv = await startTestServer("paths:\n  all_others:\n    overridePublisher: false\n");
    const { pub } = await publishTcp(srv, "o");
    await using _p = pub;
    await using second = await RawRtsp.connect(srv.ports.rtsp);
    const res = await second.request(
      "ANNOUNCE",
      srv.url("o"),
      { "Content-Type": "application/sdp" },
      FFMPEG_ANNOUNCE_SDP,
    );
    assert.equal(res.statusCode, 400);
  }
  {
    await using srv = await startTestServer();
    const first = await publishTcp(srv, "o");
    await using _p1 = first.pub;
    await using r = await RawRtsp.connect(srv.ports.rtsp);
    const res = await r.request("SETUP", srv.url("o") + "/trackID=0", { Transport: "RTP/AVP/TCP;unicast" });
    await r.request("PLAY", srv.url("o"), { Session: sessionId(res.headers.get("Session")) });
    await first.pub.writeInterleaved(0, rtpPacket(100, 5000, new Uint8Array([0x41, 1])));
    assert.equal(new DataView((await r.nextInterleaved()).payload.buffer).getUint16(2), 100);
    const second = await publishTcp(srv, "o");
    await using _p2 = second.pub;
    await first.pub.waitClosed();
    assert.ok(srv.logs.some((l) => l.includes("another publisher has taken over")));
    // Same medias: the reader stays and the new publisher's packets continue its numbering.
    await second.pub.writeInterleaved(0, rtpPacket(9000, 777777, new Uint8Array([0x41, 2])));
    const next = await r.nextInterleaved();
    assert.deepEqual(next.payload.subarray(12), new Uint8Array([0x41, 2]));
    const view = new DataView(next.payload.buffer, next.payload.byteOffset);
    assert.equal(view.getUint16(2), 101, "sequence numbers continue across publishers");
    assert.ok(
      ((view.getUint32(4) - 5000) >>> 0) < 90000 * 5,
      "timestamps continue (not the new publisher's)",
    );
    await using r2 = await RawRtsp.connect(srv.ports.rtsp);
    assert.equal((await r2.request("DESCRIBE", srv.url("o"))).statusCode, 200, "the path stays available");
  }
  {
    await using srv = await startTestServer();
    const first = await publishTcp(srv, "d");
    await using _p1 = first.pub;
    await using r = await RawRtsp.connect(srv.ports.rtsp);
    const res = await r.request("SETUP", srv.url("d") + "/trackID=0", { Transport: "RTP/AVP/TCP;unicast" });
    await r.request("PLAY", srv.url("d"), { Session: sessionId(res.headers.get("Session")) });
    // A publisher with different medias: readers cannot continue and are closed.
    await using other = await RawRtsp.connect(srv.ports.rtsp);
    const videoOnly = FFMPEG_ANNOUNCE_SDP.split("m=audio")[0];
    const ann = await other.request(
      "ANNOUNCE",
      srv.url("d"),
      { "Content-Type": "application/sdp" },
      videoOnly,
    );
    assert.equal(ann.statusCode, 200);
    await r.waitClosed();
    await first.pub.waitClosed();
  }
});

Deno.test("when the publisher leaves, its readers are closed", async () => {
  await using srv = await startTestServer();
  const { pub, session } = await publishTcp(srv, "bye");
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("bye");
  const res = await r.request("SETUP", `${url}/trackID=0`, { Transport: "RTP/AVP/TCP;unicast" });
  await r.request("PLAY", url, { Session: sessionId(res.headers.get("Session")) });
  assert.equal((await pub.request("TEARDOWN", url, { Session: session })).statusCode, 200);
  await r.waitClosed();
  await pub[Symbol.asyncDispose]();
  await waitFor(() => srv.app.servers[0].sessions.size === 0, {
    timeoutMs: 3000,
    message: "sessions left behind",
  });
});

Deno.test("garbage and oversized input get 400 and a close, without disturbing other connections", async () => {
  await using srv = await startTestServer();
  await using bad = await RawRtsp.connect(srv.ports.rtsp);
  await using good = await RawRtsp.connect(srv.ports.rtsp);
  await bad.writeRaw("\x00\x01\x02garbage\r\n\r\n");
  await bad.writeRaw(`OPTIONS ${"a".repeat(10000)} RTSP/1.0\r\nCSeq: 1\r\n\r\n`);
  assert.equal((await bad.nextResponse()).statusCode, 400);
  await bad.waitClosed();
  assert.ok(bad.eof, "the connection is closed after the 400");
  assert.equal((await good.request("OPTIONS", srv.url("x"))).statusCode, 200);
  await using bad2 = await RawRtsp.connect(srv.ports.rtsp);
  await bad2.writeRaw("OPTIONS rtsp://h/x RTSP/1.0\r\nCSeq: 1\r\nno colon here\r\n\r\n");
  const res = await bad2.nextResponse();
  assert.equal(res.statusCode, 400);
  assert.equal(res.headers.get("CSeq"), "1", "the CSeq of the rejected request is echoed");
  await bad2.waitClosed();
  assert.ok(bad2.eof);
});

Deno.test("a vanished TCP reader leaves no session behind", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "v");
  await using _p = pub;
  const r = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("v");
  const res = await r.request("SETUP", `${url}/trackID=0`, { Transport: "RTP/AVP/TCP;unicast" });
  await r.request("PLAY", url, { Session: sessionId(res.headers.get("Session")) });
  assert.equal(srv.app.servers[0].sessions.size, 2);
  await r[Symbol.asyncDispose]();
  await waitFor(() => srv.app.servers[0].sessions.size === 1, {
    timeoutMs: 3000,
    message: "reader session leaked",
  });
});
