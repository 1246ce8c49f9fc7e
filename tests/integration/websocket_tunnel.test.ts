/**
 * RTSP over WebSocket (ONVIF, subprotocol rtsp.onvif.org). No common tool speaks it, so two
 * independent clients prove it: the project's RtspClient (`rtsp+ws://`) and Deno's built-in
 * browser-style `WebSocket`, each doing OPTIONS/DESCRIBE/SETUP/PLAY and receiving media.
 */
import assert from "node:assert/strict";
import { startTestServer } from "./_server.ts";
import { FFMPEG_ANNOUNCE_SDP, rtpPacket } from "./_raw_rtsp.ts";
import { RtspClient } from "../../src/client/mod.ts";
import { RtspFramer } from "../../src/wire/rtsp/framer.ts";
import type { RtspFrame } from "../../src/wire/rtsp/framer.ts";
import { makeTestCert } from "../_helpers/certs.ts";
import { waitFor } from "../_helpers/wait.ts";

const enc = new TextEncoder();

/** Publishes the ffmpeg SDP through a tunnel URL with RtspClient and returns the client. */
async function publish(url: string, caCerts?: string[]): Promise<RtspClient> {
  const pub = await RtspClient.connect(url, { transport: "tcp", tls: { caCerts } });
  await pub.announce(FFMPEG_ANNOUNCE_SDP);
  await pub.record();
  return pub;
}

Deno.test("websocket tunnel: RtspClient publishes and reads through rtsp+ws://", async () => {
  await using srv = await startTestServer();
  const wsUrl = `rtsp+ws://127.0.0.1:${srv.ports.rtsp}/wsdemo`;
  await using pub = await publish(wsUrl);
  await using reader = await RtspClient.connect(wsUrl, { transport: "tcp" });
  const got: Uint8Array[] = [];
  reader.onRtp = (i, p) => {
    if (i === 0) got.push(p.slice());
  };
  await reader.describe();
  await reader.setupAll();
  await reader.play();
  for (let i = 0; i < 20; i++) await pub.writeRtp(0, rtpPacket(300 + i, i * 3600, new Uint8Array([0x41, i])));
  await waitFor(() => got.length >= 20, {
    timeoutMs: 5000,
    message: `only ${got.length} packets through the tunnel`,
  });
  assert.deepEqual(got.map((p) => p[13]), [...Array(20).keys()]);
  assert.ok(
    srv.logs.some((l) => /tunnel=websocket\] opened/.test(l)),
    "the connection is logged as a websocket tunnel",
  );
});

Deno.test("websocket tunnel: works on the RTSPS port (wss) too", async () => {
  const cert = await makeTestCert();
  await using srv = await startTestServer(
    `rtspEncryption: optional\nrtspServerCert: ${cert.certFile}\nrtspServerKey: ${cert.keyFile}`,
  );
  const url = `rtsps+ws://localhost:${srv.ports.rtsps}/wss`;
  await using pub = await publish(url, [cert.certPem]);
  await using reader = await RtspClient.connect(url, { transport: "tcp", tls: { caCerts: [cert.certPem] } });
  let count = 0;
  reader.onRtp = () => count++;
  await reader.describe();
  await reader.play();
  for (let i = 0; i < 10; i++) await pub.writeRtp(1, rtpPacket(i, i, new Uint8Array([1, 2]), 1, 97));
  await waitFor(() => count >= 10, { timeoutMs: 5000, message: "no packets through wss" });
});

Deno.test("websocket tunnel: a browser-style WebSocket does OPTIONS/DESCRIBE/SETUP/PLAY and gets media", async () => {
  await using srv = await startTestServer();
  await using pub = await publish(srv.url("browser"));
  const ws = new WebSocket(`ws://127.0.0.1:${srv.ports.rtsp}/`, "rtsp.onvif.org");
  ws.binaryType = "arraybuffer";
  const framer = new RtspFramer();
  const frames: RtspFrame[] = [];
  ws.onmessage = (e) => {
    framer.push(new Uint8Array(e.data as ArrayBuffer));
    for (let f = framer.next(); f !== undefined; f = framer.next()) frames.push(f);
  };
  const closed = new Promise((r) => (ws.onclose = r));
  try {
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    assert.equal(ws.protocol, "rtsp.onvif.org", "the server echoes the subprotocol (browsers require it)");
    let cseq = 0;
    const request = async (method: string, url: string, headers: Record<string, string> = {}) => {
      let text = `${method} ${url} RTSP/1.0\r\nCSeq: ${++cseq}\r\n`;
      for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\r\n`;
      ws.send(enc.encode(text + "\r\n"));
      let found: RtspFrame | undefined;
      await waitFor(() => (found = frames.find((f) => f.kind === "response")) !== undefined, {
        timeoutMs: 5000,
        message: `no answer to ${method}`,
      });
      frames.splice(frames.indexOf(found!), 1);
      return (found as Extract<RtspFrame, { kind: "response" }>).response;
    };
    const url = srv.url("browser");
    assert.equal((await request("OPTIONS", url)).statusCode, 200);
    assert.equal((await request("DESCRIBE", url)).statusCode, 200);
    const udp = await request("SETUP", `${url}/trackID=0`, {
      Transport: "RTP/AVP;unicast;client_port=5000-5001",
    });
    assert.equal(udp.statusCode, 461, "only interleaved transport inside a tunnel");
    const setup = await request("SETUP", `${url}/trackID=0`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(setup.statusCode, 200);
    const play = await request("PLAY", url, { Session: setup.headers.get("Session")!.split(";")[0] });
    assert.equal(play.statusCode, 200);
    for (let i = 0; i < 5; i++) {
      await pub.writeRtp(0, rtpPacket(i, i * 3600, new Uint8Array([0x41, 0xee, i])));
    }
    await waitFor(() => frames.filter((f) => f.kind === "interleaved" && f.channel === 0).length >= 5, {
      timeoutMs: 5000,
      message: "no media frames in the browser",
    });
    const media = frames.filter((f) => f.kind === "interleaved" && f.channel === 0) as {
      payload: Uint8Array;
    }[];
    assert.deepEqual(media.map((f) => f.payload[14]), [0, 1, 2, 3, 4]);
  } finally {
    ws.close();
    await closed;
  }
});
