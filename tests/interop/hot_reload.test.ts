/**
 * Hot reload of the running server process, the way a user does it: ffmpeg publishes path `a`, ffmpeg
 * and our own client read it while `b`'s source is edited in mediamtx.yml and a path `c` is added.
 * `a` sees no EOF and no gap (RTP sequence numbers continuous, ffmpeg still decoding); ffprobe gets the
 * new `b` and `c`. An invalid edit keeps the server running and logs the key, file and line; SIGHUP
 * reloads too. A path added through the /v3/config handler plays in ffprobe at once.
 */
import assert from "node:assert/strict";
import { RtspClient } from "../../src/client/mod.ts";
import { rtpSequenceNumber } from "../../src/wire/rtp/packet.ts";
import {
  clientsAvailable,
  ffmpegPublish,
  ffprobeVideo,
  interopIgnore,
  requireClients,
  startFfmpegRead,
} from "../_helpers/clients.ts";
import { formatReport } from "../_helpers/frame_report.ts";
import { serverConfig, startServerWithPorts } from "../_helpers/server_process.ts";
import { publishingSession } from "../_helpers/server_logs.ts";
import { waitFor } from "../_helpers/wait.ts";
import { handleConfigApi } from "../../src/api/config_api.ts";
import { startTestServer } from "../integration/_server.ts";

const available = await clientsAvailable();
const ignore = interopIgnore(available, ["ffmpeg"]);

Deno.test({
  name: "hot reload: editing mediamtx.yml changes b and adds c while a's readers play on without a gap",
  ignore,
  async fn() {
    requireClients(available, ["ffmpeg"]);
    await using server = await startServerWithPorts({ extraConfig: "paths:\n  a:\n  b:\n" });
    const ports = server.ports!;
    await using _publisher = await ffmpegPublish({
      url: server.url("a"),
      transport: "tcp",
      media: "h264_aac",
    });
    await publishingSession(server, "a");

    // Two readers of a: ffmpeg (decodes) and our client (checks every RTP sequence number).
    await using ffmpeg = startFfmpegRead({ url: server.url("a"), transport: "tcp", seconds: 60 });
    await using own = await RtspClient.connect(server.url("a"), { transport: "tcp" });
    const seqs: number[][] = [];
    own.onRtp = (media, p) => (seqs[media] ??= []).push(rtpSequenceNumber(p));
    await own.describe();
    await own.setupAll();
    await own.play();
    let ownEnded = false;
    own.closed.then(() => (ownEnded = true));
    await waitFor(() => ffmpeg.frames() >= 25, { timeoutMs: 15_000, message: "ffmpeg decodes a" });

    // (a) b now pulls a; (b) a new on-demand path c pulls it too.
    const edited = serverConfig(
      ports,
      `paths:
  a:
  b:
    source: rtsp://127.0.0.1:${ports.rtsp}/a
    rtspTransport: tcp
  c:
    source: rtsp://127.0.0.1:${ports.rtsp}/a
    sourceOnDemand: yes
`,
    );
    let since = server.logs.length;
    await Deno.writeTextFile(server.configPath, edited);
    await server.waitForLog(/INF reloading configuration \(file changed\)/, 10_000, since);
    await server.waitForLog(/\[path b\] \[RTSP source\] ready/, 10_000, since);
    const [b, c] = await Promise.all([ffprobeVideo(server.url("b")), ffprobeVideo(server.url("c"))]);
    assert.equal(b, "h264,640,360", `ffprobe b\n${server.describeLogs()}`);
    assert.equal(c, "h264,640,360", `ffprobe c\n${server.describeLogs()}`);

    // An invalid edit: the server keeps running its configuration and says what is wrong, and where.
    const invalid = edited.replace("rtspTransports: [udp, tcp]", "rtspTransports: [udp, quic]");
    const line = invalid.split("\n").findIndex((l) => l.startsWith("rtspTransports:")) + 1;
    since = server.logs.length;
    await Deno.writeTextFile(server.configPath, invalid);
    const error = await server.waitForLog(/ERR Invalid configuration/, 10_000, since);
    assert.ok(
      error.includes(`rtspTransports[1]`) && error.includes(`(${server.configPath}:${line})`) &&
        error.includes("keeping the running configuration"),
      error,
    );

    // Back to valid, and SIGHUP (our extension) reloads as well.
    since = server.logs.length;
    await Deno.writeTextFile(server.configPath, edited);
    await server.waitForLog(/INF reloading configuration \(file changed\)/, 10_000, since);
    since = server.logs.length;
    Deno.kill(server.pid, "SIGHUP");
    await server.waitForLog(/INF reloading configuration \(SIGHUP\)/, 10_000, since);

    // a was never interrupted: both readers are still there, and nothing was skipped.
    const frames = ffmpeg.frames();
    await waitFor(() => ffmpeg.frames() >= frames + 25, {
      timeoutMs: 10_000,
      message: "ffmpeg still decodes a",
    });
    assert.equal(ffmpeg.exitStatus, undefined, `ffmpeg reader exited:\n${ffmpeg.log()}`);
    assert.equal(ownEnded, false, "our reader of a was closed");
    for (const [media, list] of seqs.entries()) {
      assert.ok(list.length > 10, `media ${media}: ${list.length} packets`);
      for (let i = 1; i < list.length; i++) {
        assert.equal(list[i], (list[i - 1] + 1) & 0xffff, `media ${media}: gap after packet ${i - 1}`);
      }
    }
    assert.equal(
      server.logs.filter((l) => /\[path a\] closing/.test(l)).length,
      0,
      "path a was not restarted",
    );
    await ffmpeg[Symbol.asyncDispose]();
    const report = await ffmpeg.done;
    console.log(`hot reload: reader of a ${formatReport(report)}`);
    assert.ok(report.ratio >= 0.95, formatReport(report));
  },
});

Deno.test({
  name: "hot reload: /v3/config/paths/add with a source, on the live App, is played by ffprobe",
  ignore,
  async fn() {
    requireClients(available, ["ffmpeg"]);
    await using srv = await startTestServer("paths:\n  cam:\n", { quiet: true });
    await using _publisher = await ffmpegPublish({
      url: srv.url("cam"),
      transport: "tcp",
      media: "h264_aac",
    });
    await waitFor(() => srv.app.pathManager.paths.get("cam")?.stream !== undefined, {
      timeoutMs: 15_000,
      message: "ffmpeg publishes cam",
    });
    const res = await handleConfigApi({
      method: "POST",
      route: "paths/add/relay",
      query: new URLSearchParams(),
      body: JSON.stringify({ source: `rtsp://127.0.0.1:${srv.ports.rtsp}/cam`, sourceOnDemand: true }),
    }, srv.app);
    assert.deepEqual(res, { status: 200, body: { status: "ok" } });
    assert.equal(await ffprobeVideo(srv.url("relay")), "h264,640,360", srv.logs.slice(-40).join("\n"));
    const got = await handleConfigApi(
      { method: "GET", route: "paths/get/relay", query: new URLSearchParams(), body: "" },
      srv.app,
    );
    assert.equal((got.body as { sourceOnDemandCloseAfter: string }).sourceOnDemandCloseAfter, "10s");
  },
});
