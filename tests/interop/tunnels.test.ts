/**
 * RTSP over HTTP (and HTTPS) with real clients, on the RTSP and RTSPS ports, detected by sniffing
 * the first bytes: ffmpeg `-rtsp_transport http|https`, GStreamer `rtsph://` and `rtspsh://`
 * readers, and a GStreamer `rtsph://` publisher.
 */
import assert from "node:assert/strict";
import {
  clientsAvailable,
  ffmpegPublish,
  ffmpegRead,
  type FrameReport,
  gstPublish,
  gstRead,
  interopIgnore,
  requireClients,
} from "../_helpers/clients.ts";
import { formatReport } from "../_helpers/frame_report.ts";
import { publishingSession } from "../_helpers/server_logs.ts";
import { startServerWithPorts } from "../_helpers/server_process.ts";
import { makeTestCert } from "../_helpers/certs.ts";

const available = await clientsAvailable();
const NEEDS = ["ffmpeg", "gst", "rtspclientsink"] as const;
const ignore = interopIgnore(available, [...NEEDS]);

function check(name: string, r: FrameReport, logs: string): void {
  console.log(`tunnel: reader=${name} frames=${r.frames} ratio=${r.ratio.toFixed(2)}`);
  assert.ok(r.frames >= 80 && r.ratio >= 0.9, `${name}: ${formatReport(r)}\n${r.log}\n${logs}`);
}

Deno.test({
  name: "tunnels: ffmpeg http/https and GStreamer rtsph/rtspsh readers decode at least 90 %",
  ignore,
  async fn() {
    requireClients(available, [...NEEDS]);
    const cert = await makeTestCert();
    await using server = await startServerWithPorts({
      extraConfig:
        `rtspEncryption: optional\nrtspServerCert: ${cert.certFile}\nrtspServerKey: ${cert.keyFile}\n`,
    });
    const ports = server.ports!;
    const url = server.url("tunneled");
    await using pub = await ffmpegPublish({ url, transport: "tcp", media: "h264_aac" });
    await publishingSession(server, "tunneled", { client: pub });
    const secure = `rtsps://127.0.0.1:${ports.rtsps}/tunneled`;
    const [ffHttp, ffHttps, gstHttp, gstHttps] = await Promise.all([
      ffmpegRead({ url, transport: "http", seconds: 5 }),
      ffmpegRead({ url: secure, transport: "https", seconds: 5 }),
      gstRead({ url: `rtsph://127.0.0.1:${ports.rtsp}/tunneled`, seconds: 6 }),
      gstRead({ url: `rtspsh://127.0.0.1:${ports.rtsps}/tunneled`, seconds: 6 }),
    ]);
    const logs = server.describeLogs();
    check("ffmpeg/http", ffHttp, logs);
    check("ffmpeg/https", ffHttps, logs);
    check("gst/rtsph", gstHttp, logs);
    check("gst/rtspsh", gstHttps, logs);
    assert.ok(
      server.logs.some((l) => /\[RTSP\] \[conn [^\]]* tunnel=http\] opened/.test(l)),
      "plain tunnel logged",
    );
    assert.ok(
      server.logs.some((l) => /\[RTSPS\] \[conn [^\]]* tunnel=http\] opened/.test(l)),
      "TLS tunnel logged",
    );
  },
});

Deno.test({
  name: "tunnels: a GStreamer rtsph:// publisher is read back by ffmpeg",
  ignore,
  async fn() {
    requireClients(available, [...NEEDS]);
    await using server = await startServerWithPorts();
    const path = "tunpub";
    await using pub = gstPublish({
      url: `rtsph://127.0.0.1:${server.ports!.rtsp}/${path}`,
      transport: "tcp",
      media: "h264_aac",
      audio: true,
    });
    await publishingSession(server, path, { client: pub });
    check(
      "ffmpeg/tcp (gst rtsph publisher)",
      await ffmpegRead({ url: server.url(path), transport: "tcp", seconds: 5 }),
      server.describeLogs(),
    );
  },
});

Deno.test({
  name: "tunnels: a UDP SETUP inside a tunnel gets 461 and a plain HTTP request gets HTTP 400",
  ignore,
  async fn() {
    requireClients(available, ["ffmpeg"]);
    // MediaMTX's answer to a plain GET; ours serves the browser player there unless turned off.
    await using server = await startServerWithPorts({ extraConfig: "rtspPlayer: no" });
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.ports!.rtsp });
    try {
      await conn.write(new TextEncoder().encode("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"));
      const buf = new Uint8Array(1024);
      const n = await conn.read(buf);
      assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^HTTP\/1\.1 400 /);
    } finally {
      conn.close();
    }
    // ffmpeg over HTTP only ever asks for interleaved TCP; the 461 for UDP is covered by the
    // WebSocket dialogue test. Here: the server still serves a normal client afterwards.
    await using pub = await ffmpegPublish({ url: server.url("after"), transport: "tcp", media: "h264_aac" });
    await publishingSession(server, "after", { client: pub });
  },
});
