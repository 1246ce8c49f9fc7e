/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="esnext" />
/**
 * Decodes access units with WebCodecs' `VideoDecoder` (Annex B input, no `description`) and draws
 * each frame on a canvas as soon as it is decoded: the lowest latency a browser allows. After a
 * loss, a decoder error or a backlog, frames are dropped until the next keyframe.
 *
 * @module
 */
import { type AccessUnit, annexB } from "./nal_depacketizer.ts";
import { RtpTimeline } from "./sender_report_clock.ts";

/**
 * More frames than this waiting for the decoder means the machine cannot keep up: skip to the next
 * keyframe. The GOP cache replays a whole GOP (a few seconds at most) in one burst at PLAY, and
 * that burst must not count as a backlog (at 25 it dropped the rest of the first GOP under load).
 */
const MAX_DECODE_QUEUE = 150;

/** Settings of a video output. */
export interface VideoOutputOptions {
  canvas: HTMLCanvasElement;
  clockRate: number;
  /** A frame with RTP timestamp `rtpTime` was drawn (for stats and latency). */
  onDrawn: (rtpTime: number, width: number, height: number) => void;
  /** A frame was dropped (not decoded). */
  onDropped: () => void;
  /** The decoder failed for good (e.g. the codec is not supported). */
  onFatal: (message: string) => void;
}

/** A VideoDecoder feeding a canvas. */
export class VideoOutput {
  readonly #o: VideoOutputOptions;
  readonly #ctx: CanvasRenderingContext2D | null;
  readonly #timeline = new RtpTimeline();
  #decoder: VideoDecoder | undefined;
  #codec: string | undefined;
  #needKeyframe = true;
  #closed = false;

  constructor(o: VideoOutputOptions) {
    this.#o = o;
    this.#ctx = o.canvas.getContext("2d");
  }

  /** Whether WebCodecs can decode `codec` here. */
  static async supports(codec: string): Promise<boolean> {
    if (typeof VideoDecoder === "undefined") return false;
    try {
      return (await VideoDecoder.isConfigSupported({ codec, optimizeForLatency: true })).supported === true;
    } catch {
      return false;
    }
  }

  /** Decodes one access unit; `codec` is the codec string of its stream (from the SPS). */
  push(au: AccessUnit, codec: string | undefined): void {
    if (this.#closed) return;
    if (au.damaged) {
      this.#needKeyframe = true;
      this.#o.onDropped();
      return;
    }
    if (
      au.keyframe && codec !== undefined && (codec !== this.#codec || this.#decoder?.state !== "configured")
    ) {
      this.#configure(codec);
    }
    const decoder = this.#decoder;
    if (decoder === undefined || decoder.state !== "configured") {
      this.#o.onDropped();
      return;
    }
    if (!au.keyframe && (this.#needKeyframe || decoder.decodeQueueSize > MAX_DECODE_QUEUE)) {
      this.#needKeyframe = true;
      this.#o.onDropped();
      return;
    }
    this.#needKeyframe = false;
    const extended = this.#timeline.extend(au.timestamp);
    try {
      decoder.decode(
        new EncodedVideoChunk({
          type: au.keyframe ? "key" : "delta",
          timestamp: Math.round((extended * 1e6) / this.#o.clockRate),
          data: annexB(au.nalus),
        }),
      );
    } catch {
      this.#needKeyframe = true;
      this.#o.onDropped();
    }
  }

  /** Stops decoding. */
  close(): void {
    this.#closed = true;
    if (this.#decoder?.state !== "closed") this.#decoder?.close();
  }

  #configure(codec: string): void {
    if (this.#decoder !== undefined && this.#decoder.state !== "closed") this.#decoder.close();
    this.#codec = codec;
    const decoder = new VideoDecoder({
      output: (frame) => this.#draw(frame),
      error: (e) => {
        // The decoder is closed now; the next keyframe builds a new one.
        this.#needKeyframe = true;
        if (this.#decoder === decoder) this.#codec = undefined;
        if (e.name === "NotSupportedError") this.#o.onFatal(`cannot decode ${codec}: ${e.message}`);
      },
    });
    decoder.configure({ codec, optimizeForLatency: true, hardwareAcceleration: "no-preference" });
    this.#decoder = decoder;
  }

  #draw(frame: VideoFrame): void {
    try {
      if (this.#closed || this.#ctx === null) return;
      const { canvas } = this.#o;
      const w = frame.displayWidth;
      const h = frame.displayHeight;
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      this.#ctx.drawImage(frame, 0, 0, w, h);
      const rtp = Math.round((frame.timestamp * this.#o.clockRate) / 1e6);
      this.#o.onDrawn(rtp >>> 0, w, h);
    } finally {
      frame.close();
    }
  }
}
