/**
 * MediaMTX's own configuration files start this server, which then serves a publisher and a
 * reader. Ports are moved to free loopback ones through `MTX_…` overrides, as a user would.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/mod.ts";
import { App } from "../../src/app/app.ts";
import { Logger } from "../../src/log/logger.ts";
import { allocateServerPorts } from "../_helpers/ports.ts";
import { FFMPEG_ANNOUNCE_SDP, RawRtsp, rtpPacket } from "./_raw_rtsp.ts";

for (const name of ["mediamtx_v1.20.1.yml", "mediamtx_v1.0.0.yml"]) {
  Deno.test(`${name} starts the server, which serves a publisher and a reader`, async () => {
    const ports = await allocateServerPorts();
    const file = new URL(`../fixtures/config/${name}`, import.meta.url).pathname;
    const { config, warnings } = await loadConfig({
      file,
      env: {
        MTX_RTSPADDRESS: `127.0.0.1:${ports.rtsp}`,
        MTX_RTPADDRESS: `127.0.0.1:${ports.rtp}`,
        MTX_RTCPADDRESS: `127.0.0.1:${ports.rtcp}`,
        MTX_RTSPSADDRESS: `127.0.0.1:${ports.rtsps}`,
        MTX_SRTPADDRESS: `127.0.0.1:${ports.srtp}`,
        MTX_SRTCPADDRESS: `127.0.0.1:${ports.srtcp}`,
      },
    });
    assert.ok(warnings.length > 0, "foreign keys are reported");
    const logs: string[] = [];
    const app = new App(config, new Logger("info", (l) => logs.push(l)));
    app.start();
    await using _app = { [Symbol.asyncDispose]: () => app.close() };

    const url = `rtsp://127.0.0.1:${ports.rtsp}/cam`;
    await using pub = await RawRtsp.connect(ports.rtsp);
    let res = await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_ANNOUNCE_SDP);
    assert.equal(res.statusCode, 200);
    res = await pub.request("SETUP", `${url}/streamid=0`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
    });
    assert.equal(res.statusCode, 200);
    const pubSession = res.headers.get("Session")!.split(";")[0];
    res = await pub.request("SETUP", `${url}/streamid=1`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=2-3;mode=record",
      Session: pubSession,
    });
    assert.equal(res.statusCode, 200);
    assert.equal((await pub.request("RECORD", url, { Session: pubSession })).statusCode, 200);

    await using reader = await RawRtsp.connect(ports.rtsp);
    assert.equal((await reader.request("DESCRIBE", url)).statusCode, 200);
    res = await reader.request("SETUP", `${url}/trackID=0`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    assert.equal(res.statusCode, 200);
    res = await reader.request("PLAY", url, { Session: res.headers.get("Session")!.split(";")[0] });
    assert.equal(res.statusCode, 200);
    await pub.writeInterleaved(0, rtpPacket(42, 9000, new Uint8Array([0x65, 1, 2, 3])));
    const frame = await reader.nextInterleaved();
    assert.deepEqual(frame.payload.subarray(12), new Uint8Array([0x65, 1, 2, 3]));
  });
}
