/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="esnext" />
/**
 * One pipeline per played track, from RTP packets to the screen or the speakers: depacketiser,
 * codec support check, decoder and output. The player owns the session and the statistics; these
 * report to it through callbacks.
 *
 * @module
 */
import { aacCodec, AacDepacketizer } from "./aac_depacketizer.ts";
import { AudioOutput } from "./audio_output.ts";
import { H264Depacketizer } from "./h264_depacketizer.ts";
import { H265Depacketizer } from "./h265_depacketizer.ts";
import type { RtpFields } from "./nal_depacketizer.ts";
import type { AudioTrack, VideoTrack } from "./sdp_tracks.ts";
import { VideoOutput } from "./video_output.ts";

/** What a video pipeline reports. */
export interface VideoPipelineEvents {
  /** An access unit was assembled from RTP. */
  onReceived: () => void;
  /** The codec string read from the stream's SPS. */
  onCodec: (codec: string) => void;
  onDrawn: (rtpTime: number, width: number, height: number) => void;
  onDropped: () => void;
  /** The browser cannot decode this stream. */
  onUnsupported: (message: string) => void;
}

/** H.264 or H.265 RTP to a canvas. */
export class VideoPipeline {
  readonly #output: VideoOutput;
  readonly #depacketizer: H264Depacketizer | H265Depacketizer;
  readonly #track: VideoTrack;
  readonly #events: VideoPipelineEvents;
  #checked: string | undefined;
  #supported = true;

  constructor(track: VideoTrack, canvas: HTMLCanvasElement, events: VideoPipelineEvents) {
    this.#track = track;
    this.#events = events;
    this.#depacketizer = track.codec === "H264"
      ? new H264Depacketizer(track.sprop.parameterSets)
      : new H265Depacketizer(track.sprop);
    this.#output = new VideoOutput({
      canvas,
      clockRate: track.clockRate,
      onDrawn: events.onDrawn,
      onDropped: events.onDropped,
      onFatal: events.onUnsupported,
    });
  }

  /** Takes one RTP packet of the track. */
  push(packet: RtpFields): void {
    for (const au of this.#depacketizer.push(packet)) {
      this.#events.onReceived();
      const codec = this.#depacketizer.codec();
      if (codec !== undefined && codec !== this.#checked) {
        this.#checked = codec;
        this.#events.onCodec(codec);
        void VideoOutput.supports(codec).then((ok) => {
          this.#supported = ok;
          if (!ok) {
            this.#events.onUnsupported(
              `${this.#track.codec} (${codec}) cannot be decoded by this browser's WebCodecs`,
            );
          }
        });
      }
      if (this.#supported) this.#output.push(au, codec);
    }
  }

  close(): void {
    this.#output.close();
  }
}

/** What an audio pipeline needs and reports. */
export interface AudioPipelineEvents {
  /** Unix ms at which the samples of `rtpTime` should be heard, or undefined for "at once". */
  playAt: (rtpTime: number) => number | undefined;
  onDecoded: () => void;
  onScheduled: (lagMs: number) => void;
  onFatal: (message: string) => void;
}

/** AAC or Opus RTP to Web Audio. */
export class AudioPipeline {
  readonly codec: string;
  readonly #output: AudioOutput;
  readonly #aac: AacDepacketizer | undefined;

  private constructor(codec: string, output: AudioOutput, aac: AacDepacketizer | undefined) {
    this.codec = codec;
    this.#output = output;
    this.#aac = aac;
  }

  /** The pipeline, or undefined when the browser cannot decode the track. */
  static async open(
    track: AudioTrack,
    context: AudioContext | undefined,
    events: AudioPipelineEvents,
  ): Promise<AudioPipeline | undefined> {
    const codec = track.codec === "AAC" ? aacCodec(track.config ?? new Uint8Array()) : "opus";
    if (!(await AudioOutput.supports(codec, track.clockRate, track.channels))) return undefined;
    const output = new AudioOutput({
      codec,
      sampleRate: track.clockRate,
      channels: track.channels,
      description: track.codec === "AAC" ? track.config : undefined,
      ...events,
    }, context);
    return new AudioPipeline(codec, output, track.codec === "AAC" ? new AacDepacketizer(track) : undefined);
  }

  /** Takes one RTP packet of the track (an Opus payload is one frame, RFC 7587 §4.2). */
  push(packet: RtpFields): void {
    if (this.#aac === undefined) {
      this.#output.push(packet.timestamp, packet.payload.slice());
      return;
    }
    for (const unit of this.#aac.push(packet)) this.#output.push(unit.timestamp, unit.data);
  }

  close(): void {
    this.#output.close();
  }
}
