/**
 * The multicast suite. Run ONLY inside a private network namespace (see ../multicast.test.ts):
 * the server binds 0.0.0.0 here, which is why this file is not named *.test.ts.
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../../src/config/mod.ts";
import { App } from "../../../src/app/app.ts";
import { Logger } from "../../../src/log/logger.ts";
import type { RtspServer } from "../../../src/server/rtsp_server.ts";
import { bodyText, FFMPEG_VIDEO_SDP, RawRtsp, rtpPacket } from "../../integration/_raw_rtsp.ts";
import { ffmpegPublish, ffmpegRead, gstRead } from "../../_helpers/clients.ts";
import { waitFor } from "../../_helpers/wait.ts";
import { makeTestCert } from "../../_helpers/certs.ts";

if (Deno.env.get("IN_NETNS") !== "1") {
  throw new Error("run this file through tests/interop/multicast.test.ts");
}

let nextPort = 18554;

function startServer(extra = "") {
  const rtsp = nextPort;
  nextPort += 10;
  const { config } = parseConfig(
    [
      "logLevel: debug",
      `rtspAddress: :${rtsp}`,
      `rtpAddress: :${rtsp + 2}`,
      `rtcpAddress: :${rtsp + 3}`,
      "multicastIPRange: 224.1.0.0/16",
      extra,
      "paths:\n  all_others:",
    ].join("\n"),
    "netns.yml",
    {},
  );
  const logs: string[] = [];
  const app = new App(
    config,
    new Logger(config.logLevel, (l) => {
      logs.push(l);
      if (Deno.env.get("TEST_SERVER_LOGS") === "1") console.log(l);
    }),
  );
  app.start();
  const server = app.servers[0] as RtspServer;
  return {
    app,
    server,
    logs,
    port: rtsp,
    url: (p: string) => `rtsp://127.0.0.1:${rtsp}/${p}`,
    async [Symbol.asyncDispose]() {
      await app.close();
    },
  };
}

const sessionId = (h: string | undefined) => h!.split(";")[0];

/** A reader socket bound to the group port with SO_REUSEADDR, as a same-host client would. */
async function joinGroup(group: string, port: number): Promise<Deno.DatagramConn> {
  const s = Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port, reuseAddress: true });
  await s.joinMulticastV4(group, "0.0.0.0");
  return s;
}

Deno.test("multicast: ffmpeg and GStreamer readers decode at least 90 % of the frames", async () => {
  await using srv = startServer();
  await using _pub = await ffmpegPublish({ url: srv.url("mc"), transport: "tcp", media: "h264_aac" });
  await waitFor(() => srv.logs.some((l) => l.includes("is publishing to path 'mc'")), {
    timeoutMs: 15000,
    message: "publisher did not start",
  });
  // One after the other: with both on one host at once, ffmpeg reports "RTP: missed N packets"
  // (inference: rtspsrc's NAT-punching packets reach the group port that ffmpeg listens on).
  // Two concurrent ffmpeg readers are fine, which the next test's three local readers cover.
  const ff = await ffmpegRead({ url: srv.url("mc"), transport: "udp_multicast", seconds: 5 });
  const gst = await gstRead({ url: srv.url("mc"), protocols: "udp-mcast", seconds: 7 });
  console.log(`multicast: reader=ffmpeg frames=${ff.frames} ratio=${ff.ratio.toFixed(3)}`);
  console.log(`multicast: reader=gst frames=${gst.frames} ratio=${gst.ratio.toFixed(3)}`);
  for (const [name, r] of [["ffmpeg", ff], ["gst", gst]] as const) {
    assert.ok(r.frames >= 80, `${name} decoded only ${r.frames} frames\n${r.log}`);
    assert.ok(r.ratio >= 0.9, `${name} ratio ${r.ratio}\n${r.log}`);
  }
  assert.ok(srv.logs.some((l) => /is reading from path 'mc', with UDP-multicast/.test(l)));
});

Deno.test("multicast: three readers cost one copy of the stream; groups are freed when they leave", async () => {
  await using srv = startServer("multicastTTL: 3");
  await using pub = await RawRtsp.connect(srv.port);
  const url = srv.url("three");
  await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
  let res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;interleaved=0-1;mode=record",
  });
  await pub.request("RECORD", url, { Session: sessionId(res.headers.get("Session")) });

  const readers: RawRtsp[] = [];
  const sessions: string[] = [];
  const sockets: Deno.DatagramConn[] = [];
  let group = "";
  try {
    for (let i = 0; i < 3; i++) {
      const r = await RawRtsp.connect(srv.port);
      readers.push(r);
      res = await r.request("SETUP", `${url}/trackID=0`, { Transport: "RTP/AVP;multicast" });
      assert.equal(res.statusCode, 200);
      const t = res.headers.get("Transport")!;
      const m = /^RTP\/AVP;multicast;destination=(224\.1\.\d+\.\d+);port=8002-8003;ttl=3;ssrc=[0-9A-F]{8}$/
        .exec(t);
      assert.ok(m, `unexpected Transport: ${t}`);
      if (i > 0) assert.equal(m[1], group, "every reader of a stream shares its group");
      group = m[1];
      sockets.push(await joinGroup(group, 8002)); // SO_REUSEADDR: three local readers bind the same port
      sessions.push(sessionId(res.headers.get("Session")));
      assert.equal((await r.request("PLAY", url, { Session: sessions[i] })).statusCode, 200);
    }
    const sender = await srv.server.multicastSenders.values().next().value!;
    assert.equal(sender.groups[0].ttl, 3, "the TTL set on the socket is the one advertised");
    const N = 50;
    for (let i = 0; i < N; i++) {
      await pub.writeInterleaved(0, rtpPacket(i, i * 3000, new Uint8Array(100).fill(i)));
    }
    for (const s of sockets) {
      for (let i = 0; i < N; i++) {
        const [d] = await s.receive();
        assert.equal(d[2] * 256 + d[3], i, "every local reader gets every packet, in order");
      }
    }
    assert.equal(sender.groups[0].rtpPacketsSent, N, "sent once per packet, not once per reader");
    // A receiver report sent to the group's RTCP port counts for the reader of that host.
    const rr = new Uint8Array([0x81, 201, 0, 7, 0, 0, 0, 9, ...new Array(24).fill(0)]);
    const rtcpOut = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    try {
      await rtcpOut.send(rr, { transport: "udp", hostname: group, port: 8003 });
    } finally {
      rtcpOut.close();
    }
    const members = [...srv.server.sessions.values()].filter((x) => x.transport === "multicast");
    await waitFor(() => members.every((x) => x.receiverReports === 1), {
      timeoutMs: 3000,
      message: `receiver reports not counted: ${members.map((x) => x.receiverReports)}`,
    });
    assert.equal(sender.rtpBytesSent, N * 112);
    console.log(`multicast: 3 readers, ${N} packets, server sent ${sender.rtpBytesSent} bytes (one copy)`);
    for (let i = 0; i < 3; i++) {
      assert.equal(srv.server.multicastSenders.size, 1, "groups are kept while a reader remains");
      assert.equal((await readers[i].request("TEARDOWN", url, { Session: sessions[i] })).statusCode, 200);
    }
  } finally {
    for (const s of sockets) s.close();
    for (const r of readers) await r[Symbol.asyncDispose]();
  }
  await waitFor(() => srv.server.multicastSenders.size === 0, {
    timeoutMs: 3000,
    message: "groups not released",
  });
  assert.ok(srv.logs.some((l) => l.includes("multicast groups closed")));
});

Deno.test("multicast: 4000-byte H.264 packets reach the group split for udpMaxPayloadSize, once", async () => {
  await using srv = startServer("udpMaxPayloadSize: 1200");
  await using pub = await RawRtsp.connect(srv.port);
  const url = srv.url("bigmc");
  await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
  let res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;interleaved=0-1;mode=record",
  });
  await pub.request("RECORD", url, { Session: sessionId(res.headers.get("Session")) });
  await using r = await RawRtsp.connect(srv.port);
  res = await r.request("SETUP", `${url}/trackID=0`, { Transport: "RTP/AVP;multicast" });
  const group = /destination=([\d.]+)/.exec(res.headers.get("Transport")!)![1];
  const sock = await joinGroup(group, 8002);
  try {
    assert.equal(
      (await r.request("PLAY", url, { Session: sessionId(res.headers.get("Session")) })).statusCode,
      200,
    );
    const N = 10;
    for (let i = 0; i < N; i++) {
      const nal = new Uint8Array(4000).fill(i);
      nal[0] = 0x41;
      await pub.writeInterleaved(0, rtpPacket(i, i * 3600, nal));
    }
    const perFrame = Math.ceil(3999 / (1200 - 12 - 2));
    const seqs: number[] = [];
    while (seqs.length < N * perFrame) {
      const [d] = await sock.receive();
      assert.ok(d.length <= 1200, `datagram of ${d.length} bytes`);
      seqs.push(d[2] * 256 + d[3]);
    }
    assert.deepEqual(seqs, seqs.map((_, i) => (seqs[0] + i) & 0xffff), "numbered without gaps");
    const sender = await srv.server.multicastSenders.values().next().value!;
    assert.equal(sender.groups[0].rtpPacketsSent, N * perFrame, "split once for the group");
    console.log(
      `multicast: ${N} packets of 4012 bytes sent to the group as ${N * perFrame} datagrams <= 1200 bytes`,
    );
  } finally {
    sock.close();
  }
});

Deno.test("multicast: two streams get distinct groups; vlcmulticast DESCRIBE; RECORD by multicast is 461", async () => {
  await using srv = startServer();
  const pubs: RawRtsp[] = [];
  const readers: RawRtsp[] = [];
  try {
    const groups: string[] = [];
    for (const path of ["a", "b"]) {
      const pub = await RawRtsp.connect(srv.port);
      pubs.push(pub);
      const url = srv.url(path);
      await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
      let res = await pub.request("SETUP", `${url}/streamid=0`, {
        Transport: "RTP/AVP/TCP;interleaved=0-1;mode=record",
      });
      await pub.request("RECORD", url, { Session: sessionId(res.headers.get("Session")) });
      const r = await RawRtsp.connect(srv.port);
      readers.push(r);
      res = await r.request("SETUP", `${url}/trackID=0`, { Transport: "RTP/AVP;multicast" });
      groups.push(/destination=([\d.]+)/.exec(res.headers.get("Transport")!)![1]);
    }
    assert.notEqual(groups[0], groups[1]);
    const d = await readers[0].request("DESCRIBE", srv.url("a") + "?vlcmulticast");
    assert.match(bodyText(d), new RegExp(`c=IN IP4 ${groups[0].replaceAll(".", "\\.")}\r\n`));
    assert.equal(d.headers.get("Content-Base"), srv.url("a") + "?vlcmulticast/");

    const rec = await RawRtsp.connect(srv.port);
    readers.push(rec);
    await rec.request("ANNOUNCE", srv.url("c"), { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
    const res = await rec.request("SETUP", srv.url("c") + "/streamid=0", {
      Transport: "RTP/AVP;multicast;mode=record",
    });
    assert.equal(res.statusCode, 461);
    assert.ok(srv.logs.some((l) => l.includes("multicast is not supported for publishing")));
  } finally {
    for (const c of [...readers, ...pubs]) await c[Symbol.asyncDispose]();
  }
});

Deno.test("multicast: a reader that vanishes without TEARDOWN times out and frees the group", async () => {
  await using srv = startServer("rtspSessionTimeout: 6s");
  await using pub = await RawRtsp.connect(srv.port);
  const url = srv.url("gone");
  await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
  let res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;interleaved=0-1;mode=record",
  });
  await pub.request("RECORD", url, { Session: sessionId(res.headers.get("Session")) });
  const r = await RawRtsp.connect(srv.port);
  res = await r.request("SETUP", `${url}/trackID=0`, { Transport: "RTP/AVP;multicast" });
  await r.request("PLAY", url, { Session: sessionId(res.headers.get("Session")) });
  await r[Symbol.asyncDispose](); // no TEARDOWN: like a killed player
  assert.equal(
    srv.server.multicastSenders.size,
    1,
    "the session outlives its control connection for a while",
  );
  await waitFor(() => srv.server.multicastSenders.size === 0, {
    timeoutMs: 10000,
    message: "group not released",
  });
  assert.ok(srv.logs.some((l) => l.includes("destroyed: session timed out")));
});

Deno.test("multicast: SRTP groups on RTSPS (SAVP, multicast SRTP ports) decode in GStreamer", async () => {
  const cert = await makeTestCert();
  await using srv = startServer(
    `rtspEncryption: optional\nrtspServerCert: ${cert.certFile}\nrtspServerKey: ${cert.keyFile}\n` +
      `rtspsAddress: :${nextPort + 5}\nsrtpAddress: :${nextPort + 6}\nsrtcpAddress: :${nextPort + 7}`,
  );
  const secure = `rtsps://127.0.0.1:${srv.port + 5}/smc`; // the rtspsAddress set above
  await using _pub = await ffmpegPublish({ url: srv.url("smc"), transport: "tcp", media: "h264_aac" });
  await waitFor(() => srv.logs.some((l) => l.includes("is publishing to path 'smc'")), {
    timeoutMs: 15000,
    message: "publisher did not start",
  });
  const gst = await gstRead({ url: secure, protocols: "udp-mcast", seconds: 7 });
  console.log(`multicast: reader=gst/savp-multicast frames=${gst.frames} ratio=${gst.ratio.toFixed(3)}`);
  assert.ok(gst.frames >= 80 && gst.ratio >= 0.9, `gst SRTP multicast: ${gst.frames} frames\n${gst.log}`);
  assert.ok(
    srv.logs.some((l) => /\[RTSPS\] multicast groups opened: .*:8006/.test(l)),
    "SRTP multicast port",
  );
  assert.ok(
    srv.logs.some((l) => /\[RTSPS\] \[session \w+\] is reading from path 'smc', with UDP-multicast/.test(l)),
  );
});
