/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="esnext" />
/**
 * Decodes AAC or Opus with WebCodecs' `AudioDecoder` and plays it through Web Audio. Each chunk is
 * scheduled at the wall-clock time the player asks for (the sender's time of the samples plus the
 * video's measured delay, so sound and picture line up), on the AudioContext clock.
 *
 * @module
 */
import { RtpTimeline } from "./sender_report_clock.ts";

/** Settings of an audio output. */
export interface AudioOutputOptions {
  codec: string;
  sampleRate: number;
  channels: number;
  description?: Uint8Array;
  /** Unix ms at which the samples of `rtpTime` should be heard, or undefined to play at once. */
  playAt: (rtpTime: number) => number | undefined;
  onDecoded: () => void;
  /** A chunk was scheduled `lagMs` after its synchronised time (negative: early). */
  onScheduled?: (lagMs: number) => void;
  onFatal: (message: string) => void;
}

/** Smallest lead over the AudioContext clock when playing "at once" (a small jitter buffer). */
const LEAD_S = 0.08;
/** Chunks scheduled this close to the previous one's end are joined to it (no clicks). */
const JOIN_S = 0.03;
/** Least time between scheduling a chunk and its start, for the audio thread to pick it up. */
const MIN_LEAD_S = 0.015;
/** Audio queued further ahead than this means a backlog: start over. */
const MAX_AHEAD_S = 0.5;

/** An AudioDecoder feeding an AudioContext. */
export class AudioOutput {
  readonly #o: AudioOutputOptions;
  readonly #ctx: AudioContext | undefined;
  readonly #timeline = new RtpTimeline();
  readonly #decoder: AudioDecoder;
  #next = 0;

  /** Whether WebCodecs can decode this audio here. */
  static async supports(codec: string, sampleRate: number, channels: number): Promise<boolean> {
    if (typeof AudioDecoder === "undefined") return false;
    try {
      const r = await AudioDecoder.isConfigSupported({ codec, sampleRate, numberOfChannels: channels });
      return r.supported === true;
    } catch {
      return false;
    }
  }

  constructor(o: AudioOutputOptions, ctx: AudioContext | undefined) {
    this.#o = o;
    this.#ctx = ctx;
    this.#decoder = new AudioDecoder({
      output: (data) => this.#play(data),
      error: (e) => o.onFatal(`cannot decode ${o.codec}: ${e.message}`),
    });
    this.#decoder.configure({
      codec: o.codec,
      sampleRate: o.sampleRate,
      numberOfChannels: o.channels,
      ...(o.description !== undefined ? { description: o.description } : {}),
    });
  }

  /** Decodes one frame with RTP timestamp `rtpTime`. */
  push(rtpTime: number, data: Uint8Array): void {
    if (this.#decoder.state !== "configured") return;
    const extended = this.#timeline.extend(rtpTime);
    try {
      this.#decoder.decode(
        new EncodedAudioChunk({
          type: "key",
          timestamp: Math.round((extended * 1e6) / this.#o.sampleRate),
          data,
        }),
      );
    } catch {
      // a malformed frame: skip it
    }
  }

  /** Stops decoding (the AudioContext belongs to the player). */
  close(): void {
    if (this.#decoder.state !== "closed") this.#decoder.close();
  }

  #play(data: AudioData): void {
    try {
      this.#o.onDecoded();
      const ctx = this.#ctx;
      if (ctx === undefined || ctx.state !== "running") return;
      const rtp = Math.round((data.timestamp * this.#o.sampleRate) / 1e6) >>> 0;
      const buffer = ctx.createBuffer(data.numberOfChannels, data.numberOfFrames, data.sampleRate);
      for (let c = 0; c < data.numberOfChannels; c++) {
        const plane = new Float32Array(data.numberOfFrames);
        data.copyTo(plane, { planeIndex: c, format: "f32-planar" });
        buffer.copyToChannel(plane, c);
      }
      const now = ctx.currentTime;
      const at = this.#o.playAt(rtp);
      // When the samples should be heard, on the context clock (output latency included).
      const outputLatency = ctx.outputLatency || ctx.baseLatency || 0;
      const ideal = at === undefined ? undefined : now + (at - Date.now()) / 1000 - outputLatency;
      let start = ideal ?? Math.max(this.#next, now + LEAD_S);
      if (Math.abs(start - this.#next) < JOIN_S) start = this.#next;
      // Too late for its slot: play it as soon as the queue allows rather than drop it, and
      // report how far sound trails the picture.
      if (start < now + MIN_LEAD_S) start = Math.max(this.#next, now + MIN_LEAD_S);
      if (start > now + MAX_AHEAD_S) start = now + LEAD_S; // a clock jump or a backlog: start over
      if (ideal !== undefined) this.#o.onScheduled?.((start - ideal) * 1000);
      const node = ctx.createBufferSource();
      node.buffer = buffer;
      node.connect(ctx.destination);
      node.start(start);
      this.#next = start + buffer.duration;
    } finally {
      data.close();
    }
  }
}
