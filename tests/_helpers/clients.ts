/**
 * Real RTSP clients (ffmpeg 5.1, GStreamer 1.22) driven as child processes, with the command lines the
 * team verified against GStreamer's RTSP server. Every client runs under
 * `timeout --foreground --preserve-status -s INT -k 5 <max>` in its own process group:
 * - `--foreground` so that a stop signal reaches the client once (a group-wide second SIGINT makes
 *   gst-launch die with 130 before its TEARDOWN, a gst-launch quirk);
 * - the `<max>` lifetime so that nothing survives a crashed test run for long;
 * - the process group so that SIGKILL reaches both `timeout` and the client.
 */

import {
  FramecrcParser,
  type FrameParser,
  type FrameReport,
  frameReport,
  GstChainParser,
} from "./frame_report.ts";
import { MEDIA_FPS, type MediaKind, testMedia } from "./media.ts";
import { ManagedProcess, spawnProcess } from "./process.ts";

export type { FrameReport } from "./frame_report.ts";

/** Transports ffmpeg's RTSP demuxer accepts in `-rtsp_transport`. */
export type FfmpegReadTransport = "tcp" | "udp" | "udp_multicast" | "http" | "https";

/** `protocols` values of rtspsrc used by the tests. */
export type GstProtocols = "tcp" | "udp" | "udp-mcast";

/** Publishing transports (ffmpeg and rtspclientsink support no others for RECORD). */
export type PublishTransport = "tcp" | "udp";

/** Grace period between the stop signal and SIGKILL. */
const GRACE_SECONDS = 5;

function underTimeout(maxSeconds: number, command: string, args: string[]): string[] {
  return [
    "--foreground",
    "--preserve-status",
    "-s",
    "INT",
    "-k",
    String(GRACE_SECONDS),
    String(Math.ceil(maxSeconds)),
    command,
    ...args,
  ];
}

function isTls(url: string): boolean {
  return /^rtsps[hut]?:\/\//i.test(url);
}

// --- readers -----------------------------------------------------------------------------------

/** A running reader: live frame count, final report, and a way to kill it mid-stream. */
export class ReaderProcess implements AsyncDisposable {
  /** The `timeout` wrapper process; its pid is the process group id. */
  readonly process: ManagedProcess;
  /** Resolves with the report once the reader has exited (by itself or killed). */
  readonly done: Promise<FrameReport>;
  readonly #parser: FrameParser;

  /** Use `startFfmpegRead` / `startGstRead`. */
  constructor(
    command: string,
    args: string[],
    parser: FrameParser,
    isFrameLine: (line: string) => boolean,
    timeoutMs: number,
  ) {
    this.#parser = parser;
    const diagnostic: string[] = [];
    this.process = spawnProcess("timeout", {
      args,
      onLine: (line) => {
        if (!parser.accept(line) && !isFrameLine(line)) diagnostic.push(line);
      },
    });
    this.done = this.process.wait(timeoutMs).then((status) =>
      frameReport(parser, MEDIA_FPS, status.code, `$ ${command}\n${diagnostic.join("\n")}`)
    );
  }

  /** Process id of the wrapper (also the process-group id). */
  get pid(): number {
    return this.process.pid;
  }

  /** Exit status once the reader has exited, else undefined. */
  get exitStatus(): Deno.CommandStatus | undefined {
    return this.process.exitStatus;
  }

  /** Everything the reader printed so far (per-frame lines included). */
  log(): string {
    return this.process.output();
  }

  /** Decoded video frames so far. */
  frames(): number {
    return this.#parser.frames;
  }

  /** Sends `signal` to the reader's whole process group (SIGKILL: no TEARDOWN is sent). */
  kill(signal: Deno.Signal = "SIGKILL"): void {
    this.process.signalGroup(signal);
  }

  /** Stops the reader with SIGINT (it sends TEARDOWN) and waits for its report. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.process.stop({ signal: "SIGINT", graceMs: GRACE_SECONDS * 1000 });
    await this.done;
  }
}

/** Options of `ffmpegRead`. */
export interface FfmpegReadOptions {
  url: string;
  transport: FfmpegReadTransport;
  /** Stream time to read (ffmpeg `-t`): the wall time is this plus connection set-up. */
  seconds: number;
}

/**
 * Starts ffmpeg decoding the first video stream of `url` into `-f framecrc` (one line per decoded frame
 * with its pts), without waiting for it to end.
 */
export function startFfmpegRead(opts: FfmpegReadOptions): ReaderProcess {
  const args = [
    ...["-hide_banner", "-nostdin", "-nostats"],
    ...["-rtsp_transport", opts.transport],
    // Socket I/O timeout in µs (ffmpeg 5.x): without it ffmpeg waits forever on a silent server.
    ...["-timeout", "10000000"],
    ...["-i", opts.url],
    ...["-map", "0:v:0", "-t", String(opts.seconds), "-fps_mode", "passthrough", "-f", "framecrc", "-"],
  ];
  const maxSeconds = opts.seconds + 30;
  return new ReaderProcess(
    `ffmpeg ${args.join(" ")}`,
    underTimeout(maxSeconds, "ffmpeg", args),
    new FramecrcParser(),
    (line) => line.startsWith("#"),
    (maxSeconds + GRACE_SECONDS + 5) * 1000,
  );
}

/** Reads `url` with ffmpeg for `seconds` of stream time and reports the decoded video frames. */
export async function ffmpegRead(opts: FfmpegReadOptions): Promise<FrameReport> {
  await using reader = startFfmpegRead(opts);
  return await reader.done;
}

/** Options of `gstRead`. */
export interface GstReadOptions {
  /** rtsp://, rtsps:// (TLS, certificate not validated), rtsph:// or rtspsh:// (HTTP(S) tunnel). */
  url: string;
  /** rtspsrc `protocols`; left to rtspsrc's default when omitted. */
  protocols?: GstProtocols;
  /** Wall time to read, connection set-up included; then SIGINT (TEARDOWN) via `timeout`. */
  seconds: number;
  /** More rtspsrc properties, e.g. `["user-id=user", "user-pw=pass"]`. */
  extra?: string[];
}

/**
 * Starts gst-launch with rtspsrc decoding video into `fakesink name=vsink silent=false` (one
 * `last-message = chain` line per decoded frame) and any audio into a silent fakesink.
 *
 * rtspsrc keeps its default jitterbuffer mode (slave), which derives timestamps partly from arrival
 * times: frames a server sends in a burst (a cached GOP at PLAY) get pts closer together than their
 * RTP timestamps, so the ratio can exceed 1 by a few percent. `buffer-mode=none` (RTP timestamps only)
 * would be exact, but under load it left the video sink stuck in preroll (0 frames) in 2 of ~20 runs.
 */
export function startGstRead(opts: GstReadOptions): ReaderProcess {
  const source = [
    "rtspsrc",
    `location=${opts.url}`,
    ...(opts.protocols ? [`protocols=${opts.protocols}`] : []),
    "latency=0",
    ...(isTls(opts.url) ? ["tls-validation-flags=0"] : []),
    ...(opts.extra ?? []),
    "name=s",
  ];
  const video = "s. ! application/x-rtp,media=video ! rtph264depay ! h264parse ! avdec_h264 " +
    "! fakesink name=vsink silent=false";
  const audio = "s. ! application/x-rtp,media=audio ! decodebin ! fakesink name=asink";
  // -X stats: rtspsrc's RTCP statistics notifications would otherwise flood the -v output.
  const args = ["-v", "-X", "stats", ...source, ...video.split(" "), ...audio.split(" ")];
  return new ReaderProcess(
    `gst-launch-1.0 ${args.join(" ")}`,
    underTimeout(opts.seconds, "gst-launch-1.0", args),
    new GstChainParser("vsink"),
    (line) => line.includes("last-message = chain"),
    (opts.seconds + GRACE_SECONDS + 10) * 1000,
  );
}

/**
 * rtspsrc start-up race: under load (many UDP clients on the host) rtspsrc sometimes fails to link its
 * pads right after PLAY ("Delayed linking failed", then "streaming stopped, reason not-linked") and
 * quits with 0 frames. Seen in 1 of ~100 parallel runs, after rtspsrc had to retry its UDP port
 * allocation (udpsrc1 instead of udpsrc0); never reproduced in isolation.
 */
const GST_STARTUP_RACE = /Delayed linking failed|reason not-linked/;

/**
 * Reads `url` with GStreamer for `seconds` of wall time and reports the decoded video frames.
 * A run that decoded nothing because of rtspsrc's start-up race (see GST_STARTUP_RACE) is retried once.
 */
export async function gstRead(opts: GstReadOptions): Promise<FrameReport> {
  for (let attempt = 1;; attempt++) {
    await using reader = startGstRead(opts);
    const report = await reader.done;
    if (report.frames > 0 || attempt === 2 || !GST_STARTUP_RACE.test(report.log)) return report;
    console.log(`gstRead: rtspsrc start-up race on ${opts.url}, retrying once`);
  }
}

// --- publishers --------------------------------------------------------------------------------

/** A running publisher; disposing it sends SIGINT (TEARDOWN), then SIGKILL after 5 s. */
export class PublisherProcess implements AsyncDisposable {
  /** The `timeout` wrapper process; its pid is the process group id. */
  readonly process: ManagedProcess;
  /** The client command line, for messages. */
  readonly command: string;

  /** Use `ffmpegPublish` / `gstPublish`. */
  constructor(command: string, args: string[], maxSeconds: number) {
    this.command = `${command} ${args.join(" ")}`;
    this.process = spawnProcess("timeout", { args: underTimeout(maxSeconds, command, args) });
  }

  /** Process id of the wrapper (also the process-group id). */
  get pid(): number {
    return this.process.pid;
  }

  /** Exit status once the publisher has exited, else undefined. */
  get exitStatus(): Deno.CommandStatus | undefined {
    return this.process.exitStatus;
  }

  /** Everything the publisher printed so far. */
  log(): string {
    return this.process.output();
  }

  /** Sends SIGINT (the client tears down), SIGKILL to the group after 5 s; waits for the exit. */
  stop(): Promise<Deno.CommandStatus> {
    return this.process.stop({ signal: "SIGINT", graceMs: GRACE_SECONDS * 1000 });
  }

  /** Same as `stop()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** Options of `ffmpegPublish`. */
export interface FfmpegPublishOptions {
  url: string;
  transport: PublishTransport;
  /** Test file to loop (see `testMedia`). */
  media: MediaKind;
  /** Upper bound on the publisher's lifetime; 300 s by default. */
  maxSeconds?: number;
}

/**
 * Publishes a test file in a loop at real-time pace with ffmpeg (`-re -stream_loop -1 … -c copy -f rtsp`)
 * until disposed.
 */
export async function ffmpegPublish(opts: FfmpegPublishOptions): Promise<PublisherProcess> {
  const file = await testMedia(opts.media);
  const args = [
    ...["-hide_banner", "-nostdin", "-loglevel", "warning"],
    ...["-re", "-stream_loop", "-1", "-i", file],
    ...["-c", "copy", "-f", "rtsp", "-rtsp_transport", opts.transport, opts.url],
  ];
  return new PublisherProcess("ffmpeg", args, opts.maxSeconds ?? 300);
}

/** Options of `gstPublish`. */
export interface GstPublishOptions {
  url: string;
  transport: PublishTransport;
  /**
   * Codecs of the live source: `h264_aac` (H.264 Main, no B-frames, AAC) or `h264_bframes_opus`
   * (H.264 High with B-frames, Opus); 640x360 at 25 fps, a keyframe every second.
   */
  media?: MediaKind;
  /** Publish an audio track too; true by default. */
  audio?: boolean;
  /** Upper bound on the publisher's lifetime; 300 s by default. */
  maxSeconds?: number;
  /** More rtspclientsink properties, e.g. `["profiles=GST_RTSP_PROFILE_SAVP"]`. */
  extra?: string[];
}

/**
 * Publishes with GStreamer rtspclientsink until disposed. A file source would reach EOS after 10 s and
 * rtspclientsink then ends the session, so this encodes live test sources instead (videotestsrc and
 * audiotestsrc with `is-live=true` pace themselves in real time). No `-e`: with live sources rtspclientsink
 * could hang at EOS, while a plain SIGINT makes it send TEARDOWN and exit.
 */
export function gstPublish(opts: GstPublishOptions): PublisherProcess {
  const media = opts.media ?? "h264_aac";
  const sink = [
    "rtspclientsink",
    "name=s",
    `location=${opts.url}`,
    `protocols=${opts.transport}`,
    "latency=0",
    ...(isTls(opts.url) ? ["tls-validation-flags=0"] : []),
    ...(opts.extra ?? []),
  ];
  const video =
    "videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=25/1 ! " +
    (media === "h264_aac"
      ? "x264enc tune=zerolatency speed-preset=veryfast key-int-max=25 bitrate=500 ! video/x-h264,profile=main"
      : "x264enc speed-preset=veryfast key-int-max=25 bframes=2 bitrate=500 ! video/x-h264,profile=high") +
    " ! h264parse ! queue ! s.sink_0";
  const audio = "audiotestsrc is-live=true wave=sine freq=1000 ! audio/x-raw,rate=48000,channels=1 " +
    "! audioconvert ! " +
    (media === "h264_aac" ? "avenc_aac bitrate=64000 ! aacparse" : "opusenc bitrate=64000") +
    " ! queue ! s.sink_1";
  const args = [...sink, ...video.split(" "), ...((opts.audio ?? true) ? audio.split(" ") : [])];
  return new PublisherProcess("gst-launch-1.0", args, opts.maxSeconds ?? 300);
}

/**
 * ffprobe of an RTSP URL over TCP (30 s at most): the first video stream as `codec,width,height`
 * (`h264,640,360` for `testMedia`), or `exit <code>: <output>` when it fails.
 */
export async function ffprobeVideo(url: string): Promise<string> {
  await using p = spawnProcess("timeout", {
    args: [
      ...["-s", "KILL", "30", "ffprobe", "-v", "error", "-rtsp_transport", "tcp"],
      ...["-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", url],
    ],
  });
  const status = await p.wait(35_000);
  return status.code === 0 ? p.output().trim() : `exit ${status.code}: ${p.output()}`;
}

export {
  type ClientAvailability,
  type ClientName,
  clientsAvailable,
  interopIgnore,
  isCI,
  requireClients,
} from "./availability.ts";
