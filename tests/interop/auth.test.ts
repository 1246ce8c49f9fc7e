/** Authentication with real clients: credentials in the URL (both choose Digest when offered). */
import assert from "node:assert/strict";
import {
  clientsAvailable,
  ffmpegPublish,
  ffmpegRead,
  gstRead,
  interopIgnore,
  requireClients,
} from "../_helpers/clients.ts";
import { formatReport } from "../_helpers/frame_report.ts";
import { publishingSession } from "../_helpers/server_logs.ts";
import { startServerWithPorts } from "../_helpers/server_process.ts";

const available = await clientsAvailable();
const ignore = interopIgnore(available, ["ffmpeg", "gst"]);

const AUTH = `
authInternalUsers:
  - user: pub
    pass: pubpass
    permissions: [{ action: publish }]
  - user: viewer
    pass: viewpass
    permissions: [{ action: read }]
rtspAuthMethods: [basic, digest]
`;

Deno.test({
  name: "auth: ffmpeg publishes and ffmpeg/GStreamer read with credentials; no credentials is 401",
  ignore,
  async fn() {
    requireClients(available, ["ffmpeg", "gst"]);
    await using server = await startServerWithPorts({ extraConfig: AUTH });
    const port = server.ports!.rtsp;
    await using pub = await ffmpegPublish({
      url: `rtsp://pub:pubpass@127.0.0.1:${port}/secret`,
      transport: "tcp",
      media: "h264_aac",
    });
    await publishingSession(server, "secret", { client: pub });
    const [ff, gst, anon] = await Promise.all([
      ffmpegRead({ url: `rtsp://viewer:viewpass@127.0.0.1:${port}/secret`, transport: "tcp", seconds: 5 }),
      gstRead({ url: `rtsp://viewer:viewpass@127.0.0.1:${port}/secret`, protocols: "tcp", seconds: 6 }),
      ffmpegRead({ url: `rtsp://127.0.0.1:${port}/secret`, transport: "tcp", seconds: 2 }),
    ]);
    for (const [name, r] of [["ffmpeg", ff], ["gst", gst]] as const) {
      console.log(`auth: reader=${name} frames=${r.frames} ratio=${r.ratio.toFixed(2)}`);
      assert.ok(
        r.frames >= 80 && r.ratio >= 0.9,
        `${name}: ${formatReport(r)}\n${r.log}\n${server.describeLogs()}`,
      );
    }
    assert.equal(anon.frames, 0);
    assert.match(anon.log, /401 Unauthorized/);
  },
});
