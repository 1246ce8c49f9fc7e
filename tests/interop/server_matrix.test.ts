/**
 * Interop matrix against our server: real publishers (ffmpeg, GStreamer rtspclientsink; TCP and UDP)
 * and real readers (ffmpeg, GStreamer rtspsrc; TCP and UDP), checked by decoded frames.
 * The harness itself is validated against GStreamer's RTSP server in refserver_harness.test.ts.
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
} from "../_helpers/clients.ts";
import { formatReport } from "../_helpers/frame_report.ts";
import {
  publishingLine,
  publishingSession,
  readingSession,
  sessionEndLine,
  waitForServerLog,
} from "../_helpers/server_logs.ts";
import { type ServerProcess, startServerWithPorts } from "../_helpers/server_process.ts";
import { waitFor } from "../_helpers/wait.ts";

const available = await clientsAvailable();
const NEEDS = ["ffmpeg", "gst", "rtspclientsink"] as const;
const ignore = interopIgnore(available, [...NEEDS]);

/** Minimum decoded frames for ~5 s of 25 fps video, leaving up to 1 s to reach the first keyframe. */
const MIN_FRAMES = 80;
const MIN_RATIO = 0.9;

let pathCount = 0;
function uniquePath(prefix: string): string {
  return `${prefix.replace(/[^A-Za-z0-9]+/g, "_")}_${crypto.randomUUID().slice(0, 6)}_${++pathCount}`;
}

type Reader = [name: string, read: (url: string) => Promise<FrameReport>];

/** The four readers; ffmpeg reads 5 s of stream time, gst 6 s of wall time including set-up. */
const READERS: Reader[] = [
  ["ffmpeg/tcp", (url) => ffmpegRead({ url, transport: "tcp", seconds: 5 })],
  ["ffmpeg/udp", (url) => ffmpegRead({ url, transport: "udp", seconds: 5 })],
  ["gst/tcp", (url) => gstRead({ url, protocols: "tcp", seconds: 6 })],
  ["gst/udp", (url) => gstRead({ url, protocols: "udp", seconds: 6 })],
];

type Publisher = [name: string, start: (url: string) => Promise<PublisherProcess> | PublisherProcess];

const PUBLISHERS: Publisher[] = [
  ["ffmpeg/tcp", (url) => ffmpegPublish({ url, transport: "tcp", media: "h264_aac" })],
  ["ffmpeg/udp", (url) => ffmpegPublish({ url, transport: "udp", media: "h264_aac" })],
  ["gst/tcp", (url) => gstPublish({ url, transport: "tcp", media: "h264_aac", audio: true })],
  ["gst/udp", (url) => gstPublish({ url, transport: "udp", media: "h264_aac", audio: true })],
];

/** Runs `readers` concurrently on `url`, prints one matrix row each, and asserts them all at once. */
async function readAll(
  server: ServerProcess,
  publisher: string,
  url: string,
  readers: Reader[],
): Promise<FrameReport[]> {
  const reports = await Promise.all(readers.map(([, read]) => read(url)));
  const failures: string[] = [];
  readers.forEach(([name], i) => {
    const r = reports[i];
    console.log(
      `matrix: publisher=${publisher} reader=${name} frames=${r.frames} ratio=${r.ratio.toFixed(2)}`,
    );
    if (r.frames < MIN_FRAMES || r.ratio < MIN_RATIO) {
      failures.push(`reader=${name}: ${formatReport(r)}\n${r.log}`);
    }
  });
  assert.ok(
    failures.length === 0,
    `publisher=${publisher}: ${failures.length} reader(s) below ${MIN_FRAMES} frames or ratio ${MIN_RATIO}:\n` +
      `${failures.join("\n")}\n${server.describeLogs()}`,
  );
  return reports;
}

/** Starts a publisher on a fresh path and waits until the server reports it; returns its session id. */
async function publish(
  server: ServerProcess,
  url: string,
  path: string,
  start: Publisher[1],
  since = 0,
): Promise<{ publisher: PublisherProcess; session: string }> {
  const publisher = await start(url);
  try {
    const session = await publishingSession(server, path, { client: publisher, since });
    return { publisher, session };
  } catch (e) {
    await publisher.stop();
    throw e;
  }
}

for (const [publisherName, start] of PUBLISHERS) {
  Deno.test({
    name: `matrix: ${publisherName} publisher (H.264+AAC) is read by ffmpeg and GStreamer over TCP and UDP`,
    ignore,
    async fn() {
      requireClients(available, [...NEEDS]);
      await using server = await startServerWithPorts();
      const path = uniquePath(`matrix_${publisherName}`);
      const url = server.url(path);
      const { publisher } = await publish(server, url, path, start);
      await using _publisher = publisher;
      await readAll(server, publisherName, url, READERS);
    },
  });
}

Deno.test({
  name: "matrix: H.264 with B-frames + Opus from ffmpeg/tcp is read by ffmpeg/tcp and gst/tcp",
  ignore,
  async fn() {
    requireClients(available, [...NEEDS]);
    await using server = await startServerWithPorts();
    const path = uniquePath("bframes_opus");
    const url = server.url(path);
    const { publisher } = await publish(
      server,
      url,
      path,
      (u) => ffmpegPublish({ url: u, transport: "tcp", media: "h264_bframes_opus" }),
    );
    await using _publisher = publisher;
    await readAll(server, "ffmpeg/tcp(bframes+opus)", url, READERS.filter(([n]) => n.endsWith("/tcp")));
  },
});

Deno.test({
  name: "matrix: 20 concurrent ffmpeg readers (10 TCP, 10 UDP) of one stream each decode >= 90%",
  ignore,
  async fn() {
    requireClients(available, [...NEEDS]);
    await using server = await startServerWithPorts();
    const path = uniquePath("fanout");
    const url = server.url(path);
    const { publisher } = await publish(server, url, path, PUBLISHERS[0][1]);
    await using _publisher = publisher;
    const readers: Reader[] = Array.from({ length: 20 }, (_, i) => {
      const transport = i % 2 === 0 ? "tcp" : "udp";
      return [`ffmpeg/${transport}#${i + 1}`, (u) => ffmpegRead({ url: u, transport, seconds: 5 })];
    });
    await readAll(server, "ffmpeg/tcp(20 readers)", url, readers);
  },
});

Deno.test({
  name: "matrix: a TCP reader killed with SIGKILL mid-stream leaves no session behind",
  ignore,
  async fn() {
    requireClients(available, [...NEEDS]);
    await using server = await startServerWithPorts();
    const path = uniquePath("killed_reader");
    const url = server.url(path);
    const { publisher } = await publish(server, url, path, PUBLISHERS[0][1]);
    await using _publisher = publisher;

    await using reader = startFfmpegRead({ url, transport: "tcp", seconds: 60 });
    const session = await readingSession(server, path, { client: reader });
    await waitFor(() => reader.frames() >= 25, { timeoutMs: 15000, message: "reader decoded 25 frames" });
    reader.kill("SIGKILL"); // no TEARDOWN: the server must notice the closed connection by itself
    await reader.done;
    const line = await waitForServerLog(server, sessionEndLine(session), { timeoutMs: 10000 });
    console.log(`matrix: killed reader's session ended: ${line[0]}`);
    // The stream goes on for others.
    await readAll(server, "ffmpeg/tcp(after kill)", url, READERS.slice(0, 1));
  },
});

Deno.test({
  name:
    "matrix: with overridePublisher (default) a second publisher kicks the first; readers before and after it get its stream",
  ignore,
  async fn() {
    requireClients(available, [...NEEDS]);
    await using server = await startServerWithPorts();
    const path = uniquePath("override");
    const url = server.url(path);
    const first = await publish(server, url, path, PUBLISHERS[0][1]);
    await using _first = first.publisher;
    // A reader from before the takeover: it must go on across it (same codecs, so the server can
    // splice the new publisher's packets into the existing stream).
    await using early = startFfmpegRead({ url, transport: "tcp", seconds: 10 });
    await waitFor(() => early.frames() >= 25, {
      timeoutMs: 15000,
      message: "early reader decoded 25 frames",
    });

    const since = server.logs.length;
    const second = await publish(server, url, path, PUBLISHERS[0][1], since);
    await using _second = second.publisher;
    assert.notEqual(second.session, first.session);
    const kicked = await waitForServerLog(server, sessionEndLine(first.session), { timeoutMs: 10000 });
    console.log(`matrix: first publisher kicked: ${kicked[0]}`);
    await readAll(server, "ffmpeg/tcp(second publisher)", url, READERS.filter(([n]) => n.endsWith("/tcp")));

    const r = await early.done;
    console.log(
      `matrix: publisher=ffmpeg/tcp(takeover) reader=ffmpeg/tcp(early) frames=${r.frames} ratio=${
        r.ratio.toFixed(2)
      }`,
    );
    assert.ok(
      r.frames >= 200 && r.ratio >= MIN_RATIO && r.exitCode === 0,
      `the reader from before the takeover should read 10 s across it: ${formatReport(r)}\n${r.log}\n` +
        server.describeLogs(),
    );
    assert.equal(
      second.publisher.exitStatus,
      undefined,
      `second publisher exited:\n${second.publisher.log()}`,
    );
  },
});

Deno.test({
  name: "matrix: with overridePublisher: false a second ffmpeg publisher gets 400 and the first goes on",
  ignore,
  async fn() {
    requireClients(available, [...NEEDS]);
    await using server = await startServerWithPorts({
      extraConfig: "paths:\n  all_others:\n    overridePublisher: false\n",
    });
    const path = uniquePath("no_override");
    const url = server.url(path);
    const first = await publish(server, url, path, PUBLISHERS[0][1]);
    await using _first = first.publisher;
    const since = server.logs.length;

    await using second = await ffmpegPublish({ url, transport: "tcp", media: "h264_aac" });
    const status = await second.process.wait(20000);
    assert.notEqual(status.code, 0, `second publisher should fail:\n${second.log()}`);
    assert.match(second.log(), /\b400\b/, `second publisher should report 400:\n${second.log()}`);
    console.log(`matrix: second publisher refused: ${second.log().split("\n").find((l) => /400/.test(l))}`);
    assert.ok(
      !server.logs.slice(since).some((l) => publishingLine(path).test(l)),
      `the server accepted a second publisher:\n${server.describeLogs()}`,
    );
    await readAll(server, "ffmpeg/tcp(first publisher kept)", url, READERS.slice(0, 1));
  },
});
