/**
 * RTSPS and SRTP with real clients: ffmpeg over TLS-interleaved TCP (it has no SRTP), GStreamer
 * publishing and reading RTP/SAVP (MIKEY keys) over UDP and TCP. Multicast SRTP is in the
 * network-namespace suite.
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
import { type ServerProcess, startServerWithPorts } from "../_helpers/server_process.ts";
import { makeTestCert } from "../_helpers/certs.ts";

const available = await clientsAvailable();
const NEEDS = ["ffmpeg", "gst", "rtspclientsink"] as const;
const ignore = interopIgnore(available, [...NEEDS]);

function check(name: string, r: FrameReport, server: ServerProcess): void {
  console.log(`srtp: ${name} frames=${r.frames} ratio=${r.ratio.toFixed(2)}`);
  assert.ok(
    r.frames >= 80 && r.ratio >= 0.9,
    `${name}: ${formatReport(r)}\n${r.log}\n${server.describeLogs()}`,
  );
}

async function secureServer(): Promise<ServerProcess> {
  const cert = await makeTestCert();
  return await startServerWithPorts({
    extraConfig: `rtspEncryption: strict\nrtspServerCert: ${cert.certFile}\nrtspServerKey: ${cert.keyFile}\n`,
  });
}

Deno.test({
  name: "srtp: ffmpeg publishes over rtsps:// and ffmpeg reads it back over rtsps://",
  ignore,
  async fn() {
    requireClients(available, ["ffmpeg"]);
    await using server = await secureServer();
    const url = `rtsps://127.0.0.1:${server.ports!.rtsps}/ff`;
    await using pub = await ffmpegPublish({ url, transport: "tcp", media: "h264_aac" });
    await publishingSession(server, "ff", { client: pub });
    check(
      "publisher=ffmpeg/rtsps reader=ffmpeg/rtsps",
      await ffmpegRead({ url, transport: "tcp", seconds: 5 }),
      server,
    );
  },
});

for (const transport of ["udp", "tcp"] as const) {
  Deno.test({
    name:
      `srtp: GStreamer SAVP publisher over ${transport} is read by GStreamer SAVP (UDP, TCP) and ffmpeg rtsps`,
    ignore,
    async fn() {
      requireClients(available, [...NEEDS]);
      await using server = await secureServer();
      const path = `savp_${transport}`;
      const url = `rtsps://127.0.0.1:${server.ports!.rtsps}/${path}`;
      await using pub = gstPublish({
        url,
        transport,
        media: "h264_aac",
        audio: true,
        extra: ["profiles=GST_RTSP_PROFILE_SAVP"],
      });
      await publishingSession(server, path, { client: pub });
      const readers = [
        () => gstRead({ url, protocols: "udp", seconds: 6 }),
        () => gstRead({ url, protocols: "tcp", seconds: 6 }),
        () => ffmpegRead({ url, transport: "tcp", seconds: 5 }),
      ];
      const reports = await Promise.all(readers.map((read) => read()));
      for (const [i, r] of reports.entries()) {
        // Once in several parallel CI runs a GStreamer reader prerolled its first frame and then
        // stalled with nothing decoded while the other two readers of the same stream decoded
        // everything; a reader that decoded nothing gets one more try (a second failure fails).
        if (r.frames === 0 && reports.some((o) => o.frames > 0)) {
          console.log(`srtp: reader ${i} decoded nothing while the others did; reading once more`);
          reports[i] = await readers[i]();
        }
      }
      const [gu, gt, ff] = reports;
      check(`publisher=gst/savp/${transport} reader=gst/savp/udp`, gu, server);
      check(`publisher=gst/savp/${transport} reader=gst/savp/tcp`, gt, server);
      check(`publisher=gst/savp/${transport} reader=ffmpeg/rtsps`, ff, server);
      const readingUdp = server.logs.some((l) => /is reading from path '[^']+', with UDP/.test(l));
      assert.ok(readingUdp, "the GStreamer UDP reader really used SRTP over UDP");
    },
  });
}
