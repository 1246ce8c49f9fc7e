/** Keepalive, timeouts and RTCP reports over real sockets (RFC 3550 §6.4; RFC 2326 §12.37; gortsplib's timeouts). */
import assert from "node:assert/strict";
import { FFMPEG_VIDEO_SDP, RawRtsp, rtpPacket } from "./_raw_rtsp.ts";
import { startTestServer } from "./_server.ts";
import { waitFor } from "../_helpers/wait.ts";
import { parseRtcpCompound } from "../../src/wire/rtcp/mod.ts";
import { FakeClock } from "../_helpers/fake_clock.ts";

const sessionId = (h: string | undefined) => h!.split(";")[0];

/** Two UDP sockets on consecutive ports (RTP even, RTCP odd), like a real client. */
function udpPair(): { rtp: Deno.DatagramConn; rtcp: Deno.DatagramConn; port: number; close(): void } {
  for (let i = 0; i < 50; i++) {
    const rtp = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    const port = (rtp.addr as Deno.NetAddr).port;
    if (port % 2 !== 0) {
      rtp.close();
      continue;
    }
    try {
      const rtcp = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: port + 1 });
      return { rtp, rtcp, port, close: () => (rtp.close(), rtcp.close()) };
    } catch {
      rtp.close();
    }
  }
  throw new Error("no free UDP port pair");
}

async function announceUdp(port: number, url: string, pair: { port: number }) {
  const pub = await RawRtsp.connect(port);
  await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
  const res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: `RTP/AVP/UDP;unicast;client_port=${pair.port}-${pair.port + 1};mode=record`,
  });
  assert.equal(res.statusCode, 200);
  const session = sessionId(res.headers.get("Session"));
  assert.equal((await pub.request("RECORD", url, { Session: session })).statusCode, 200);
  return { pub, session };
}

Deno.test("a TCP reader gets an RTCP sender report with the stream's SSRC", async () => {
  const clock = new FakeClock();
  await using srv = await startTestServer("", { clock });
  await using pub = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("sr");
  await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
  let res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;interleaved=0-1;mode=record",
  });
  await pub.request("RECORD", url, { Session: sessionId(res.headers.get("Session")) });
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  res = await r.request("SETUP", `${url}/trackID=0`, { Transport: "RTP/AVP/TCP;interleaved=0-1" });
  const ssrc = parseInt(res.headers.get("Transport")!.split("ssrc=")[1], 16);
  await r.request("PLAY", url, { Session: sessionId(res.headers.get("Session")) });
  for (let i = 0; i < 5; i++) {
    await pub.writeInterleaved(0, rtpPacket(100 + i, 9000 * i, new Uint8Array([0x41, i])));
  }
  for (let got = 0; got < 5;) if ((await r.nextInterleaved(4000)).channel === 0) got++;
  clock.advance(1100); // the first report is due about a second after PLAY
  let frame;
  do frame = await r.nextInterleaved(4000); while (frame.channel !== 1);
  const [first] = parseRtcpCompound(frame.payload);
  assert.equal(first.type, "sr");
  if (first.type !== "sr") return;
  assert.equal(first.sr.ssrc, ssrc);
  assert.equal(first.sr.packetCount, 5);
  assert.ok(
    Math.abs(Number(first.sr.ntpTime >> 32n) - (Date.now() / 1000 + 2208988800)) < 5,
    "NTP is wall-clock time",
  );
});

Deno.test("a UDP publisher gets receiver reports and its packets reach readers", async () => {
  const clock = new FakeClock();
  await using srv = await startTestServer("", { clock });
  const pair = udpPair();
  try {
    const url = srv.url("rr");
    const { pub } = await announceUdp(srv.ports.rtsp, url, pair);
    await using _p = pub;
    const to = { transport: "udp" as const, hostname: "127.0.0.1", port: srv.ports.rtp };
    const session = [...srv.app.servers[0].sessions.values()][0];
    for (let i = 0; i < 3; i++) {
      await pair.rtp.send(rtpPacket(500 + i, 3000 * i, new Uint8Array([0x41])), to);
      clock.advance(1);
      await waitFor(() => session.lastActivityMs === clock.now(), {
        timeoutMs: 2000,
        message: `packet ${i} lost`,
      });
    }
    clock.advance(1100); // the first receiver report is due about a second after RECORD
    const [data, from] = await pair.rtcp.receive();
    assert.equal((from as Deno.NetAddr).port, srv.ports.rtcp);
    const rr = parseRtcpCompound(data)[0];
    assert.equal(rr.type, "rr");
    if (rr.type === "rr") {
      assert.equal(rr.rr.reports[0].ssrc, 0x11223344, "reports on the publisher's SSRC");
      assert.equal(rr.rr.reports[0].highestSequence & 0xffff, 502);
    }
  } finally {
    pair.close();
  }
});

Deno.test("a UDP publisher that stops sending is closed after readTimeout", async () => {
  const clock = new FakeClock();
  await using srv = await startTestServer("readTimeout: 1s", { clock });
  const pair = udpPair();
  try {
    const { pub } = await announceUdp(srv.ports.rtsp, srv.url("quiet"), pair);
    await using _p = pub;
    clock.advance(900);
    assert.equal(srv.app.servers[0].sessions.size, 1, "closed before readTimeout");
    clock.advance(1200);
    await pub.waitClosed(5000);
    assert.ok(srv.logs.some((l) => /destroyed: no UDP packets received recently/.test(l)));
  } finally {
    pair.close();
  }
});

Deno.test("a UDP reader without keepalives times out; with keepalives it stays", async () => {
  const clock = new FakeClock();
  await using srv = await startTestServer("rtspSessionTimeout: 6s", { clock });
  await using pub = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("ka");
  await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
  let res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;interleaved=0-1;mode=record",
  });
  const pubSession = sessionId(res.headers.get("Session"));
  await pub.request("RECORD", url, { Session: pubSession });
  const silent = udpPair();
  const alive = udpPair();
  try {
    const readers: string[] = [];
    for (const pair of [silent, alive]) {
      const r = await RawRtsp.connect(srv.ports.rtsp);
      res = await r.request("SETUP", `${url}/trackID=0`, {
        Transport: `RTP/AVP;unicast;client_port=${pair.port}-${pair.port + 1}`,
      });
      const s = sessionId(res.headers.get("Session"));
      assert.equal(res.headers.get("Session"), `${s};timeout=1`, "timeout advertised 5 s early");
      await r.request("PLAY", url, { Session: s });
      readers.push(s);
      await r[Symbol.asyncDispose](); // UDP sessions outlive their control connection
    }
    const sessions = srv.app.servers[0].sessions;
    const kept = sessions.get(readers[1])!;
    for (let second = 0; second < 8; second++) {
      // RTCP from the reader counts as a keepalive (gortsplib's client sends it from SETUP on; RFC 2326 §12.37).
      await alive.rtcp.send(new Uint8Array([0x81, 201, 0, 1, 0, 0, 0, 1]), {
        transport: "udp",
        hostname: "127.0.0.1",
        port: srv.ports.rtcp,
      });
      await waitFor(() => kept.lastActivityMs === clock.now(), { timeoutMs: 2000, message: "RTCP not seen" });
      if (second === 5) assert.ok(sessions.has(readers[0]), "the silent reader is closed before the timeout");
      clock.advance(1000);
    }
    await waitFor(() => !sessions.has(readers[0]), {
      timeoutMs: 2000,
      message: "silent reader not timed out",
    });
    assert.ok(sessions.has(readers[1]), "the reader sending RTCP is kept");
    assert.ok(srv.logs.some((l) => l.includes("destroyed: session timed out")));
  } finally {
    silent.close();
    alive.close();
  }
});
