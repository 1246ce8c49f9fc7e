/**
 * `udpMaxPayloadSize` against real clients: GStreamer's RTSP server sends H.264 in RTP packets of
 * up to 4000 bytes (`rtph264pay mtu=4000`, like cameras that put whole NAL units in one packet);
 * our server pulls it over TCP; ffmpeg and GStreamer read it over UDP and decode at least 90 % of
 * the frames, while a raw UDP reader sees no datagram above the limit and no sequence gap.
 */
import assert from "node:assert/strict";
import { clientsAvailable, ffmpegRead, gstRead, interopIgnore, requireClients } from "../_helpers/clients.ts";
import { formatReport } from "../_helpers/frame_report.ts";
import { startServerWithPorts } from "../_helpers/server_process.ts";
import { startRefServer } from "../_helpers/refserver.ts";
import { testMedia } from "../_helpers/media.ts";
import { RtspClient } from "../../src/client/mod.ts";
import { waitFor } from "../_helpers/wait.ts";

const available = await clientsAvailable();
const ignore = interopIgnore(available, ["ffmpeg", "gst", "refserver"]);

/** Reads `url` with the project's client over `transport` and records each video RTP packet's size and seq. */
async function rawRead(url: string, transport: "udp" | "tcp") {
  const client = await RtspClient.connect(url, { transport });
  const sizes: number[] = [];
  const seqs: number[] = [];
  client.onRtp = (media, p) => {
    if (media !== 0) return;
    sizes.push(p.length);
    seqs.push((p[2] << 8) | p[3]);
  };
  await client.describe();
  await client.setupAll();
  await client.play();
  return { client, sizes, seqs };
}

// The default limit (the integration test covers others); one run takes about 7 s. The GStreamer
// reader of the harness decodes H.264 only: H.265 is read by ffmpeg.
const limit = 1452;
for (
  const { codec, mount, gstToo } of [
    { codec: "H264", mount: "/big", gstToo: true },
    { codec: "H265", mount: "/big265", gstToo: false },
  ]
) {
  Deno.test({
    name: `udpMaxPayloadSize ${limit}: 4000-byte ${codec} packets pulled over TCP are read by ffmpeg${
      gstToo ? " and GStreamer" : ""
    } over UDP`,
    ignore,
    async fn() {
      requireClients(available, ["ffmpeg", "gst", "refserver"]);
      await using origin = await startRefServer(await testMedia("h264_aac"));
      await using server = await startServerWithPorts({
        extraConfig: `paths:\n  relay:\n    source: ${origin.url(mount)}\n    rtspTransport: tcp\n`,
      });
      await server.waitForLog(/\[path relay\] \[RTSP source\] ready/, 20000);
      const url = server.url("relay");
      const udp = await rawRead(url, "udp");
      const tcp = await rawRead(url, "tcp");
      try {
        const [ff, gst] = await Promise.all([
          ffmpegRead({ url, transport: "udp", seconds: 5 }),
          gstToo ? gstRead({ url, protocols: "udp", seconds: 6 }) : undefined,
        ]);
        const reports = gst === undefined ? [["ffmpeg/udp", ff] as const] : [
          ["ffmpeg/udp", ff] as const,
          ["gst/udp", gst] as const,
        ];
        for (const [name, r] of reports) {
          console.log(
            `udpMaxPayloadSize ${limit} ${codec}: reader=${name} frames=${r.frames} ratio=${
              r.ratio.toFixed(2)
            }`,
          );
          assert.ok(
            r.frames >= 80 && r.ratio >= 0.9,
            `${name}: ${formatReport(r)}\n${r.log}\n${server.describeLogs()}`,
          );
        }
        await waitFor(() => udp.sizes.length > 500, {
          timeoutMs: 5000,
          message: "the raw UDP reader got little",
        });
        const maxUdp = Math.max(...udp.sizes);
        const maxTcp = Math.max(...tcp.sizes);
        const gaps = udp.seqs.filter((s, i) => i > 0 && s !== ((udp.seqs[i - 1] + 1) & 0xffff)).length;
        console.log(
          `udpMaxPayloadSize ${limit} ${codec}: TCP packets ${tcp.sizes.length} (largest ${maxTcp}), ` +
            `UDP datagrams ${udp.sizes.length} (largest ${maxUdp}, ${gaps} seq gaps)`,
        );
        assert.ok(maxTcp > limit, `the source really sends oversized packets (largest ${maxTcp})`);
        assert.ok(maxUdp <= limit, `largest UDP datagram ${maxUdp} > ${limit}`);
        assert.equal(gaps, 0, "the split copy is numbered without gaps");
        await server.waitForLog(
          new RegExp(`${codec} RTP packets are too big for UDP \\(\\d+ > ${limit}\\), splitting`),
        );
      } finally {
        await udp.client.close();
        await tcp.client.close();
      }
    },
  });
}

Deno.test({
  name: "udpMaxPayloadSize: a publisher sending 4000-byte H.264 packets over TCP is read by ffmpeg over UDP",
  ignore,
  async fn() {
    requireClients(available, ["ffmpeg", "gst", "refserver"]);
    await using origin = await startRefServer(await testMedia("h264_aac"));
    await using server = await startServerWithPorts();
    // The project's client republishes GStreamer's 4000-byte packets as they are, over TCP.
    const source = await RtspClient.connect(origin.url("/big"), { transport: "tcp" });
    const pub = await RtspClient.connect(server.url("pub"), { transport: "tcp" });
    let udp: Awaited<ReturnType<typeof rawRead>> | undefined;
    try {
      const { sdp } = await source.describe();
      await source.setupAll();
      await pub.announce(sdp);
      await pub.record();
      let publishError: unknown;
      source.onRtp = (media, p) => {
        try {
          pub.writeRtp(media, p.slice())?.catch((e) => (publishError ??= e));
        } catch (e) {
          publishError ??= e;
        }
      };
      await source.play();
      udp = await rawRead(server.url("pub"), "udp");
      const ff = await ffmpegRead({ url: server.url("pub"), transport: "udp", seconds: 5 });
      console.log(`publisher over TCP: reader=ffmpeg/udp frames=${ff.frames} ratio=${ff.ratio.toFixed(2)}`);
      assert.equal(publishError, undefined);
      assert.ok(
        ff.frames >= 80 && ff.ratio >= 0.9,
        `${formatReport(ff)}\n${ff.log}\n${server.describeLogs()}`,
      );
      const maxUdp = Math.max(...udp.sizes);
      const gaps = udp.seqs.filter((s, i) => i > 0 && s !== ((udp!.seqs[i - 1] + 1) & 0xffff)).length;
      console.log(
        `publisher over TCP: UDP datagrams ${udp.sizes.length} (largest ${maxUdp}, ${gaps} seq gaps)`,
      );
      assert.ok(udp.sizes.length > 500 && maxUdp <= 1452 && gaps === 0);
      await server.waitForLog(/H264 RTP packets are too big for UDP \(\d+ > 1452\), splitting/);
    } finally {
      await udp?.client.close();
      await source.close();
      await pub.close();
    }
  },
});
