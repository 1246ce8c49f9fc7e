/**
 * Proves the client harness (tests/_helpers/clients.ts) right against GStreamer's own RTSP server, so
 * that a failing interop test against our server points at the server, not at the harness.
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
  type PublisherProcess,
  requireClients,
  startFfmpegRead,
  startGstRead,
} from "../_helpers/clients.ts";
import { formatReport } from "../_helpers/frame_report.ts";
import { testMedia } from "../_helpers/media.ts";
import { startRefServer } from "../_helpers/refserver.ts";
import { waitFor } from "../_helpers/wait.ts";

const available = await clientsAvailable();
const NEEDS = ["ffmpeg", "gst", "rtspclientsink", "refserver"] as const;
const ignore = interopIgnore(available, [...NEEDS]);

function assertDecoded(name: string, r: FrameReport, minFrames: number): void {
  assert.ok(
    r.frames >= minFrames && r.ratio >= 0.9,
    `${name}: expected >= ${minFrames} frames and ratio >= 0.9, got ${formatReport(r)}\n${r.log}`,
  );
}

Deno.test({
  name: "refserver: ffmpeg and GStreamer readers decode >= 90% of a live stream over TCP and UDP",
  ignore,
  async fn() {
    requireClients(available, [...NEEDS]);
    const media = await testMedia("h264_aac");
    const names = ["ffmpeg/tcp", "ffmpeg/udp", "gst/tcp", "gst/udp"];
    const readAll = async (): Promise<FrameReport[]> => {
      await using ref = await startRefServer(media);
      const url = ref.url("/test");
      return await Promise.all([
        ffmpegRead({ url, transport: "tcp", seconds: 5 }),
        ffmpegRead({ url, transport: "udp", seconds: 5 }),
        gstRead({ url, protocols: "tcp", seconds: 5 }),
        gstRead({ url, protocols: "udp", seconds: 5 }),
      ]);
    };
    const decoded = (r: FrameReport) => r.frames >= 80 && r.ratio >= 0.9;
    let reports = await readAll();
    if (!reports.every(decoded)) {
      // GStreamer's own server, not ours: its live x264 encoder starves when the parallel test run
      // takes both cores, and twice sent readers a stream without pictures ("missing picture in
      // access unit"). A second server, a little later, decides; a second failure fails the test.
      console.log("refserver: a reader decoded too little; trying once more with a new reference server");
      reports = await readAll();
    }
    names.forEach((name, i) => console.log(`refserver: reader=${name} ${formatReport(reports[i])}`));
    names.forEach((name, i) => assertDecoded(name, reports[i], 80));
  },
});

Deno.test({
  name: "refserver: a reader killed with SIGKILL exits at once and the server sees the connection close",
  ignore,
  async fn() {
    requireClients(available, [...NEEDS]);
    await using ref = await startRefServer(await testMedia("h264_aac"));
    for (const start of [startFfmpegRead, startGstRead] as const) {
      const since = ref.process.lines.length;
      await using reader = start === startFfmpegRead
        ? startFfmpegRead({ url: ref.url("/test"), transport: "tcp", seconds: 60 })
        : startGstRead({ url: ref.url("/test"), protocols: "tcp", seconds: 60 });
      await waitFor(() => reader.frames() >= 10, { timeoutMs: 15000, message: "reader decoded 10 frames" });
      reader.kill("SIGKILL");
      const report = await reader.done;
      assert.equal(report.exitCode, 137, formatReport(report));
      await ref.waitForLine(/^\[client\] closed/, 10000, since);
    }
  },
});

/** Publishes until the refserver has decoded `min` buffers on every stream, then stops (TEARDOWN). */
async function publishAndCount(
  name: string,
  start: (url: string) => Promise<PublisherProcess> | PublisherProcess,
  mount: string,
  streams: number,
): Promise<void> {
  await using ref = await startRefServer(await testMedia("h264_aac"));
  const min = 75; // 3 s of video; audio runs at ~47 (AAC) or 50 (Opus) frames per second.
  const publisher = await start(ref.url(mount));
  try {
    await waitFor(() => {
      if (publisher.exitStatus) throw new Error(`${name} exited early:\n${publisher.log()}`);
      const counts = Object.values(ref.counts(mount));
      return counts.length === streams && counts.every((n) => n >= min);
    }, { timeoutMs: 20000, message: `${name}: refserver decoded ${min} buffers per stream on ${mount}` });
  } finally {
    await publisher.stop();
  }
  // The stop signal must make the client tear down, which ends the server's media.
  await ref.waitForLine(new RegExp(`^\\[final\\] ${mount} `), 10000);
  console.log(`refserver: publisher=${name} mount=${mount} decoded=${JSON.stringify(ref.counts(mount))}`);
}

const publishers: [string, (url: string) => Promise<PublisherProcess> | PublisherProcess, string, number][] =
  [
    ["ffmpeg/tcp", (url) => ffmpegPublish({ url, transport: "tcp", media: "h264_aac" }), "/record", 2],
    ["ffmpeg/udp", (url) => ffmpegPublish({ url, transport: "udp", media: "h264_aac" }), "/record", 2],
    [
      "ffmpeg/tcp bframes+opus",
      (url) => ffmpegPublish({ url, transport: "tcp", media: "h264_bframes_opus" }),
      "/record",
      2,
    ],
    ["gst/tcp", (url) => gstPublish({ url, transport: "tcp" }), "/record", 2],
    ["gst/udp", (url) => gstPublish({ url, transport: "udp" }), "/record", 2],
    ["gst/udp video-only", (url) => gstPublish({ url, transport: "udp", audio: false }), "/recordv", 1],
    [
      "gst/tcp bframes+opus",
      (url) => gstPublish({ url, transport: "tcp", media: "h264_bframes_opus" }),
      "/record",
      2,
    ],
  ];

for (const [name, start, mount, streams] of publishers) {
  Deno.test({
    name: `refserver: ${name} publisher is decoded by the server and tears down on stop`,
    ignore,
    async fn() {
      requireClients(available, [...NEEDS]);
      await publishAndCount(name, start, mount, streams);
    },
  });
}
