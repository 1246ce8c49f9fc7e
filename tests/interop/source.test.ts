/**
 * Pulling from a third-party server: GStreamer's own RTSP server (gst-rtsp-server) is the
 * origin, our server relays it (`source: rtsp://…`, UDP then TCP), ffmpeg and GStreamer read the
 * relay and decode at least 90 % of the frames.
 */
import assert from "node:assert/strict";
import { clientsAvailable, ffmpegRead, gstRead, interopIgnore, requireClients } from "../_helpers/clients.ts";
import { formatReport } from "../_helpers/frame_report.ts";
import { startServerWithPorts } from "../_helpers/server_process.ts";
import { startRefServer } from "../_helpers/refserver.ts";
import { testMedia } from "../_helpers/media.ts";
import { makeDocumentedCert } from "../_helpers/certs.ts";

const available = await clientsAvailable();
const ignore = interopIgnore(available, ["ffmpeg", "gst", "refserver"]);

for (const transport of ["udp", "tcp"] as const) {
  Deno.test({
    name: `source: a stream pulled from GStreamer's RTSP server over ${transport} is read through our server`,
    ignore,
    async fn() {
      requireClients(available, ["ffmpeg", "gst", "refserver"]);
      await using origin = await startRefServer(await testMedia("h264_aac"));
      await using server = await startServerWithPorts({
        extraConfig: `paths:\n  relay:\n    source: ${
          origin.url("/test")
        }\n    rtspTransport: ${transport}\n`,
      });
      await server.waitForLog(/\[path relay\] \[RTSP source\] ready/, 20000);
      const url = server.url("relay");
      const [ff, gst] = await Promise.all([
        ffmpegRead({ url, transport: "tcp", seconds: 5 }),
        gstRead({ url, protocols: "udp", seconds: 6 }),
      ]);
      for (const [name, r] of [["ffmpeg/tcp", ff], ["gst/udp", gst]] as const) {
        console.log(
          `source: origin=gst-rtsp-server/${transport} reader=${name} frames=${r.frames} ratio=${
            r.ratio.toFixed(2)
          }`,
        );
        assert.ok(
          r.frames >= 80 && r.ratio >= 0.9,
          `${name}: ${formatReport(r)}\n${r.log}\n${server.describeLogs()}`,
        );
      }
    },
  });
}

Deno.test({
  name:
    "source: an rtsps:// GStreamer server with the documented self-signed certificate, pinned by sourceFingerprint",
  ignore,
  async fn() {
    requireClients(available, ["ffmpeg", "gst", "refserver"]);
    const cert = await makeDocumentedCert();
    await using origin = await startRefServer(await testMedia("h264_aac"), { tls: cert });
    await using server = await startServerWithPorts({
      extraConfig: `paths:\n  relay:\n    source: rtsps://127.0.0.1:${origin.port}/test\n` +
        `    sourceFingerprint: ${cert.fingerprint.toUpperCase()}\n    rtspTransport: tcp\n`,
    });
    await server.waitForLog(/\[path relay\] \[RTSP source\] ready/, 20000);
    const r = await ffmpegRead({ url: server.url("relay"), transport: "tcp", seconds: 5 });
    console.log(
      `source: origin=gst-rtsp-server/rtsps reader=ffmpeg/tcp frames=${r.frames} ratio=${r.ratio.toFixed(2)}`,
    );
    assert.ok(r.frames >= 80 && r.ratio >= 0.9, `${formatReport(r)}\n${r.log}\n${server.describeLogs()}`);
  },
});
