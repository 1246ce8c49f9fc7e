/**
 * Behaviour that MediaMTX's and gortsplib's server tests assert (server_test.go,
 * server_play_test.go, server_record_test.go), replayed over raw sockets against the real server:
 * publisher validation, state errors, connection/session binding, protocol strictness.
 */
import assert from "node:assert/strict";
import { FFMPEG_ANNOUNCE_SDP, FFMPEG_VIDEO_SDP, RawRtsp, rtpPacket } from "./_raw_rtsp.ts";
import { startTestServer } from "./_server.ts";
import type { TestServer } from "./_server.ts";
import { waitFor } from "../_helpers/wait.ts";

const sessionId = (h: string | undefined) => h!.split(";")[0];
const SDP = { "Content-Type": "application/sdp" };

/** ANNOUNCE + SETUP of every media over TCP + RECORD on `path`. */
async function publishTcp(srv: TestServer, path: string, sdp = FFMPEG_VIDEO_SDP) {
  const pub = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url(path);
  assert.equal((await pub.request("ANNOUNCE", url, SDP, sdp)).statusCode, 200);
  const medias = sdp.split("m=").length - 1;
  let session: string | undefined;
  for (let i = 0; i < medias; i++) {
    const res = await pub.request("SETUP", `${url}/streamid=${i}`, {
      Transport: `RTP/AVP/TCP;unicast;interleaved=${2 * i}-${2 * i + 1};mode=record`,
      ...(session === undefined ? {} : { Session: session }),
    });
    assert.equal(res.statusCode, 200);
    session = sessionId(res.headers.get("Session"));
  }
  assert.equal((await pub.request("RECORD", url, { Session: session! })).statusCode, 200);
  return { pub, session: session!, url };
}

/** SETUP media 0 over TCP + PLAY on `path`. */
async function readTcp(srv: TestServer, path: string) {
  const r = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url(path);
  const res = await r.request("SETUP", `${url}/trackID=0`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
  });
  assert.equal(res.statusCode, 200);
  const session = sessionId(res.headers.get("Session"));
  assert.equal((await r.request("PLAY", url, { Session: session })).statusCode, 200);
  return { r, session, url };
}

/** An even/odd pair of UDP sockets, like a real client's. */
function udpPair() {
  for (let i = 0; i < 50; i++) {
    const rtp = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    const port = (rtp.addr as Deno.NetAddr).port;
    if (port % 2 === 0) {
      try {
        const rtcp = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: port + 1 });
        return {
          rtp,
          port,
          [Symbol.asyncDispose]: () => Promise.resolve((rtp.close(), rtcp.close())),
        };
      } catch {
        // taken: try another
      }
    }
    rtp.close();
  }
  throw new Error("no free UDP port pair");
}

Deno.test("record: RECORD before every announced media is set up gets 400", async () => {
  await using srv = await startTestServer();
  await using pub = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("partial");
  assert.equal((await pub.request("ANNOUNCE", url, SDP, FFMPEG_ANNOUNCE_SDP)).statusCode, 200);
  const res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
  });
  assert.equal(res.statusCode, 200);
  const session = sessionId(res.headers.get("Session"));
  assert.equal((await pub.request("RECORD", url, { Session: session })).statusCode, 400);
  assert.ok(srv.logs.some((l) => l.includes("not all announced medias have been setup")));
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  assert.equal((await r.request("DESCRIBE", url)).statusCode, 404, "nothing is served from the path");
  // Setting up the second media makes the RECORD acceptable.
  const second = await pub.request("SETUP", `${url}/streamid=1`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=2-3;mode=record",
    Session: session,
  });
  assert.equal(second.statusCode, 200);
  assert.equal((await pub.request("RECORD", url, { Session: session })).statusCode, 200);
});

Deno.test("record: an SDP whose payload type has no clock rate is refused with 400", async () => {
  await using srv = await startTestServer();
  await using pub = await RawRtsp.connect(srv.ports.rtsp);
  const noClock = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n" +
    "a=rtpmap:97 H264/90000\r\na=control:streamid=0\r\n";
  assert.equal((await pub.request("ANNOUNCE", srv.url("nc"), SDP, noClock)).statusCode, 400);
  const noFormat = noClock.replace("RTP/AVP 96", "RTP/AVP");
  assert.equal((await pub.request("ANNOUNCE", srv.url("nc"), SDP, noFormat)).statusCode, 400);
  // A static payload type carries its clock rate (RFC 3551): PCMU without rtpmap is fine.
  const pcmu =
    "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\na=control:streamid=0\r\n";
  assert.equal((await pub.request("ANNOUNCE", srv.url("pcmu"), SDP, pcmu)).statusCode, 200);
});

Deno.test("record over UDP: non-RTP datagrams and unknown payload types are dropped and counted; the session stays", async () => {
  await using srv = await startTestServer();
  await using pair = udpPair();
  await using pub = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("udpbad");
  assert.equal((await pub.request("ANNOUNCE", url, SDP, FFMPEG_VIDEO_SDP)).statusCode, 200);
  const res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: `RTP/AVP/UDP;unicast;client_port=${pair.port}-${pair.port + 1};mode=record`,
  });
  assert.equal(res.statusCode, 200);
  const session = sessionId(res.headers.get("Session"));
  assert.equal((await pub.request("RECORD", url, { Session: session })).statusCode, 200);
  const { r } = await readTcp(srv, "udpbad");
  await using _r = r;

  const to = { transport: "udp" as const, hostname: "127.0.0.1", port: srv.ports.rtp };
  const version1 = rtpPacket(1, 0, new Uint8Array([0x41]));
  version1[0] = 0x40;
  await pair.rtp.send(version1, to);
  await pair.rtp.send(new Uint8Array(2000), to); // a 2000-byte blob: version 0
  await pair.rtp.send(rtpPacket(2, 0, new Uint8Array([0x41]), 0x11223344, 97), to); // PT not announced
  const badCsrc = rtpPacket(3, 0, new Uint8Array([0x41]));
  badCsrc[0] = 0x8f; // 15 CSRCs announced, none present
  await pair.rtp.send(badCsrc, to);
  await pair.rtp.send(rtpPacket(4, 0, new Uint8Array([0x41, 4])), to);
  const frame = await r.nextInterleaved();
  assert.deepEqual(
    frame.payload.subarray(12),
    new Uint8Array([0x41, 4]),
    "only the valid packet reaches readers",
  );
  await waitFor(() => [...srv.app.servers[0].sessions.values()].some((s) => s.rtpErrors.total === 4), {
    timeoutMs: 3000,
    message: "4 packets counted as in error",
  });
  assert.ok(srv.logs.some((l) => /WAR .*discarding 1 RTP packet in error: invalid RTP version 1/.test(l)));
  const lines = srv.logs.filter((l) => l.includes("RTP packet")).length;
  assert.ok(lines <= 2, `logging is rate-limited (${lines} lines)`);
  assert.equal((await pub.request("GET_PARAMETER", url, { Session: session })).statusCode, 200, "session up");
});

Deno.test("record over TCP: packets with a payload type the SDP does not list are dropped", async () => {
  await using srv = await startTestServer();
  const { pub, session, url } = await publishTcp(srv, "tcpbad");
  await using _p = pub;
  const { r } = await readTcp(srv, "tcpbad");
  await using _r = r;
  await pub.writeInterleaved(0, rtpPacket(1, 0, new Uint8Array([0x41, 1]), 0x11223344, 100));
  await pub.writeInterleaved(0, rtpPacket(2, 0, new Uint8Array([0x41, 2])));
  const frame = await r.nextInterleaved();
  assert.deepEqual(frame.payload.subarray(12), new Uint8Array([0x41, 2]));
  assert.ok(srv.logs.some((l) => l.includes("received RTP packet with unknown payload type: 100")));
  assert.equal((await pub.request("GET_PARAMETER", url, { Session: session })).statusCode, 200, "session up");
});

Deno.test("a connection that plays a TCP session cannot SETUP another session without Session: 400", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "two");
  await using _p = pub;
  const { r, url } = await readTcp(srv, "two");
  await using _r = r;
  const res = await r.request("SETUP", `${url}/trackID=0`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=2-3",
  });
  assert.equal(res.statusCode, 400);
  assert.equal(srv.app.servers[0].sessions.size, 2, "no second reader session");
});

Deno.test("a TCP session cannot be paused, torn down or polled from another connection: 400", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "steal");
  await using _p = pub;
  const { r, session, url } = await readTcp(srv, "steal");
  await using _r = r;
  await using thief = await RawRtsp.connect(srv.ports.rtsp);
  for (const method of ["PAUSE", "TEARDOWN", "GET_PARAMETER", "PLAY", "OPTIONS"]) {
    assert.equal((await thief.request(method, url, { Session: session })).statusCode, 400, method);
  }
  // Also a publisher's TCP session.
  const other = await publishTcp(srv, "steal2");
  await using _o = other.pub;
  assert.equal((await thief.request("TEARDOWN", other.url, { Session: other.session })).statusCode, 400);
  await pub.writeInterleaved(0, rtpPacket(5, 0, new Uint8Array([0x41, 5])));
  assert.deepEqual(
    (await r.nextInterleaved()).payload.subarray(12),
    new Uint8Array([0x41, 5]),
    "still playing",
  );
});

Deno.test("a UDP session survives its connection and is used from a new one of the same host", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "udpconn");
  await using _p = pub;
  await using pair = udpPair();
  const url = srv.url("udpconn");
  const first = await RawRtsp.connect(srv.ports.rtsp);
  const res = await first.request("SETUP", `${url}/trackID=0`, {
    Transport: `RTP/AVP;unicast;client_port=${pair.port}-${pair.port + 1}`,
  });
  const session = sessionId(res.headers.get("Session"));
  assert.equal((await first.request("PLAY", url, { Session: session })).statusCode, 200);
  await first[Symbol.asyncDispose]();
  await using second = await RawRtsp.connect(srv.ports.rtsp);
  await waitFor(
    async () => (await second.request("GET_PARAMETER", url, { Session: session })).statusCode === 200,
    {
      timeoutMs: 3000,
      message: "the UDP session is reachable from the new connection",
    },
  );
  await pub.writeInterleaved(0, rtpPacket(9, 0, new Uint8Array([0x41, 9])));
  const [data] = await pair.rtp.receive();
  assert.deepEqual(data.subarray(12), new Uint8Array([0x41, 9]));
  assert.equal((await second.request("TEARDOWN", url, { Session: session })).statusCode, 200);
});

Deno.test("PLAY, RECORD, PAUSE and TEARDOWN without Session get 501, as in MediaMTX", async () => {
  await using srv = await startTestServer();
  await using c = await RawRtsp.connect(srv.ports.rtsp);
  for (const method of ["PLAY", "RECORD", "PAUSE", "TEARDOWN"]) {
    assert.equal((await c.request(method, srv.url("x"))).statusCode, 501, method);
  }
  assert.equal((await c.request("PAUSE", srv.url("x"), { Session: "deadbeef" })).statusCode, 454);
});

Deno.test("SETUP with mode=play on a record session gets 400; multicast RECORD gets 461", async () => {
  await using srv = await startTestServer();
  await using pub = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("m");
  assert.equal((await pub.request("ANNOUNCE", url, SDP, FFMPEG_VIDEO_SDP)).statusCode, 200);
  const res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=play",
  });
  assert.equal(res.statusCode, 400);
  assert.equal(
    (await pub.request("SETUP", `${url}/streamid=0`, { Transport: "RTP/AVP;multicast;mode=record" }))
      .statusCode,
    461,
    "multicast RECORD",
  );
});

Deno.test("play-pause-pause-play, and a publisher's pause-pause-record", async () => {
  await using srv = await startTestServer();
  const { pub, session: ps, url } = await publishTcp(srv, "pp");
  await using _p = pub;
  const { r, session } = await readTcp(srv, "pp");
  await using _r = r;
  for (const m of ["PAUSE", "PAUSE", "PLAY"]) {
    assert.equal((await r.request(m, url, { Session: session })).statusCode, 200, m);
  }
  for (const m of ["PAUSE", "PAUSE", "RECORD"]) {
    assert.equal((await pub.request(m, url, { Session: ps })).statusCode, 200, m);
  }
  await pub.writeInterleaved(0, rtpPacket(77, 0, new Uint8Array([0x41, 7])));
  assert.deepEqual((await r.nextInterleaved()).payload.subarray(12), new Uint8Array([0x41, 7]));
});

Deno.test("SETUP path and query forms of ffmpeg and GStreamer; different paths in one session get 400", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "pq");
  await using _p = pub;
  const base = srv.url("pq");
  for (const target of [`${base}?key=val/trackID=0`, `${base}/trackID=0?key=val`]) {
    await using c = await RawRtsp.connect(srv.ports.rtsp);
    const res = await c.request("SETUP", target, { Transport: "RTP/AVP/TCP;unicast" });
    assert.equal(res.statusCode, 200, target);
  }
  const other = await publishTcp(srv, "pq2");
  await using _o = other.pub;
  await using c = await RawRtsp.connect(srv.ports.rtsp);
  const res = await c.request("SETUP", `${base}/trackID=0`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
  });
  const again = await c.request("SETUP", `${srv.url("pq2")}/trackID=0`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=2-3",
    Session: sessionId(res.headers.get("Session")),
  });
  assert.equal(again.statusCode, 400);
});

Deno.test("SETUP: different lower transports in one session get 400", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "mix", FFMPEG_ANNOUNCE_SDP);
  await using _p = pub;
  await using c = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("mix");
  const res = await c.request("SETUP", `${url}/trackID=0`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
  });
  const session = sessionId(res.headers.get("Session"));
  const udp = await c.request("SETUP", `${url}/trackID=1`, {
    Transport: "RTP/AVP;unicast;client_port=40000-40001",
    Session: session,
  });
  assert.equal(udp.statusCode, 400);
});

Deno.test("Transport leniency gortsplib does not have: client_port 0-0 and 5-4, interleaved 1-0 and 0-3", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "tr");
  await using _p = pub;
  const url = srv.url("tr") + "/trackID=0";
  for (
    const t of [
      "RTP/AVP;unicast;client_port=0-0",
      "RTP/AVP;unicast;client_port=5-4",
      "RTP/AVP/TCP;unicast;interleaved=1-0",
      "RTP/AVP/TCP;unicast;interleaved=0-3",
    ]
  ) {
    await using c = await RawRtsp.connect(srv.ports.rtsp);
    assert.equal((await c.request("SETUP", url, { Transport: t })).statusCode, 400, t);
  }
});

Deno.test("RTSP/2.0 gets 505 RTSP Version Not Supported, then the connection is closed", async () => {
  await using srv = await startTestServer();
  await using c = await RawRtsp.connect(srv.ports.rtsp);
  await c.writeRaw(`OPTIONS ${srv.url("x")} RTSP/2.0\r\nCSeq: 1\r\n\r\n`);
  const res = await c.nextResponse();
  assert.equal(res.statusCode, 505);
  assert.equal(res.headers.get("CSeq"), "1");
  await c.waitClosed();
  assert.ok(c.eof);
});

Deno.test("interleaved frames on a connection without a TCP session close it", async () => {
  await using srv = await startTestServer();
  {
    await using c = await RawRtsp.connect(srv.ports.rtsp);
    assert.equal((await c.request("OPTIONS", srv.url("x"))).statusCode, 200);
    await c.writeInterleaved(0, rtpPacket(1, 0, new Uint8Array([1])));
    await c.waitClosed();
    assert.ok(c.eof, "no session at all");
  }
  const { pub } = await publishTcp(srv, "uf");
  await using _p = pub;
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("uf");
  const res = await r.request("SETUP", `${url}/trackID=0`, {
    Transport: "RTP/AVP;unicast;client_port=40010-40011",
  });
  assert.equal(
    (await r.request("PLAY", url, { Session: sessionId(res.headers.get("Session")) })).statusCode,
    200,
  );
  await r.writeInterleaved(1, new Uint8Array([0x80, 201, 0, 1, 0, 0, 0, 1]));
  await r.waitClosed();
  assert.ok(r.eof, "a UDP session's connection");
  assert.ok(srv.logs.some((l) => l.includes("unexpected interleaved frame")));
});

Deno.test("two UDP readers of one host cannot share client ports: 400", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "ports");
  await using _p = pub;
  await using pair = udpPair();
  const url = srv.url("ports") + "/trackID=0";
  const transport = `RTP/AVP;unicast;client_port=${pair.port}-${pair.port + 1}`;
  await using a = await RawRtsp.connect(srv.ports.rtsp);
  await using b = await RawRtsp.connect(srv.ports.rtsp);
  assert.equal((await a.request("SETUP", url, { Transport: transport })).statusCode, 200);
  assert.equal((await b.request("SETUP", url, { Transport: transport })).statusCode, 400);
});

Deno.test("a session that is not playing or recording ends with its last connection", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "idle");
  await using _p = pub;
  const before = srv.app.servers[0].sessions.size;
  const c = await RawRtsp.connect(srv.ports.rtsp);
  const res = await c.request("SETUP", srv.url("idle") + "/trackID=0", {
    Transport: "RTP/AVP;unicast;client_port=40020-40021",
  });
  assert.equal(res.statusCode, 200);
  assert.equal(srv.app.servers[0].sessions.size, before + 1);
  await c[Symbol.asyncDispose]();
  await waitFor(() => srv.app.servers[0].sessions.size === before, {
    timeoutMs: 3000,
    message: "the prePlay session outlived its connection",
  });
});

Deno.test("TEARDOWN ends the session and closes its other connections, not the one that asked", async () => {
  await using srv = await startTestServer();
  const { pub } = await publishTcp(srv, "td");
  await using _p = pub;
  await using pair = udpPair();
  const url = srv.url("td");
  await using first = await RawRtsp.connect(srv.ports.rtsp);
  const res = await first.request("SETUP", `${url}/trackID=0`, {
    Transport: `RTP/AVP;unicast;client_port=${pair.port}-${pair.port + 1}`,
  });
  const session = sessionId(res.headers.get("Session"));
  assert.equal((await first.request("PLAY", url, { Session: session })).statusCode, 200);
  await using second = await RawRtsp.connect(srv.ports.rtsp);
  assert.equal((await second.request("TEARDOWN", url, { Session: session })).statusCode, 200);
  await first.waitClosed();
  assert.ok(first.eof, "the other connection of the session is closed");
  assert.equal((await second.request("OPTIONS", url)).statusCode, 200, "the connection that asked stays");
});

Deno.test("record: the same announced media set up twice gets 400", async () => {
  await using srv = await startTestServer();
  await using pub = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("twice");
  assert.equal((await pub.request("ANNOUNCE", url, SDP, FFMPEG_ANNOUNCE_SDP)).statusCode, 200);
  const res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
  });
  const again = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=2-3;mode=record",
    Session: sessionId(res.headers.get("Session")),
  });
  assert.equal(again.statusCode, 400);
  const unknown = await pub.request("SETUP", `${url}/streamid=7`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=4-5;mode=record",
    Session: sessionId(res.headers.get("Session")),
  });
  assert.equal(unknown.statusCode, 400, "a media the SDP does not announce");
});

Deno.test("record over UDP: the session outlives its control connection and keeps feeding readers", async () => {
  await using srv = await startTestServer();
  await using pair = udpPair();
  const pub = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("udpkeep");
  assert.equal((await pub.request("ANNOUNCE", url, SDP, FFMPEG_VIDEO_SDP)).statusCode, 200);
  const res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: `RTP/AVP/UDP;unicast;client_port=${pair.port}-${pair.port + 1};mode=record`,
  });
  assert.equal(
    (await pub.request("RECORD", url, { Session: sessionId(res.headers.get("Session")) })).statusCode,
    200,
  );
  await pub[Symbol.asyncDispose]();
  const { r } = await readTcp(srv, "udpkeep");
  await using _r = r;
  const to = { transport: "udp" as const, hostname: "127.0.0.1", port: srv.ports.rtp };
  await pair.rtp.send(rtpPacket(1, 0, new Uint8Array([0x41, 1])), to);
  assert.deepEqual((await r.nextInterleaved()).payload.subarray(12), new Uint8Array([0x41, 1]));
});
