import type { FanOutBurst, ReaderSink } from "../server/mod.ts";
import type { OutboundPacket } from "./outbound_packet.ts";
import type { TurnEnd } from "./turn_end.ts";

/** A burst this large is handed out at once rather than at the end of the turn. */
const MAX_BURST_BYTES = 256 * 1024;

/**
 * Fan-out state of a stream for its "burst" readers (plain TCP, every media, channels 2i/2i+1):
 * the packets of one event-loop turn (or hold: the stream's TurnEnd) are laid end to end as interleaved
 * frames ONCE, and then every such reader gets the whole burst in one call, which its writer
 * sends with one system call from the shared bytes. Per reader and packet there is nothing left
 * to do: the per-reader cost is per burst (a video frame and what came with it), not per packet.
 */
export class BurstBuilder {
  /** Readers that take bursts; an array for a cheap loop (replaced, never mutated). */
  sinks: ReaderSink[] = [];
  readonly #mediaCount: number;
  #frames: Uint8Array[] = [];
  #bytes = 0;
  #packets: number[];
  #rtpBytes: number[];
  readonly #turnEnd: TurnEnd;

  /** `turnEnd` is the stream's: it calls `flush` at the end of the turn or hold. */
  constructor(mediaCount: number, turnEnd: TurnEnd) {
    this.#mediaCount = mediaCount;
    this.#turnEnd = turnEnd;
    this.#packets = new Array(mediaCount).fill(0);
    this.#rtpBytes = new Array(mediaCount).fill(0);
  }

  /** Hot path: one packet of media `mediaIndex` joins this turn's burst. */
  add(mediaIndex: number, packet: OutboundPacket): void {
    const frame = packet.framed(2 * mediaIndex);
    this.#frames.push(frame);
    this.#bytes += frame.length;
    this.#packets[mediaIndex]++;
    this.#rtpBytes[mediaIndex] += packet.byteLength;
    if (this.#bytes >= MAX_BURST_BYTES) this.flush();
    else this.#turnEnd.arm();
  }

  /** Hands the pending burst to every burst reader now (also before one joins, so it gets no packet twice). */
  flush(): void {
    const frames = this.#frames;
    if (frames.length === 0) return;
    let bytes: Uint8Array;
    if (frames.length === 1) {
      bytes = frames[0]; // shared and never modified: no copy
    } else {
      bytes = new Uint8Array(this.#bytes);
      let at = 0;
      for (let i = 0; i < frames.length; i++) {
        bytes.set(frames[i], at);
        at += frames[i].length;
      }
    }
    const burst: FanOutBurst = {
      bytes,
      packets: this.#packets,
      rtpBytes: this.#rtpBytes,
      count: frames.length,
    };
    this.#frames = [];
    this.#bytes = 0;
    this.#packets = new Array(this.#mediaCount).fill(0);
    this.#rtpBytes = new Array(this.#mediaCount).fill(0);
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i].writeBurst!(burst);
  }

  /** Drops the pending burst and every reader (the stream ended). */
  clear(): void {
    this.#frames = [];
    this.#bytes = 0;
    this.#packets.fill(0);
    this.#rtpBytes.fill(0);
    this.sinks = [];
  }
}
