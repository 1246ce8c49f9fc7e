import type { OutboundPacket } from "./outbound_packet.ts";

/** One cached packet and the media it belongs to. */
export interface CachedPacket {
  mediaIndex: number;
  packet: OutboundPacket;
}

/** Bounds that keep a stream with a huge GOP from holding unbounded memory. */
export interface GopCacheLimits {
  maxPackets: number;
  maxBytes: number;
}

/** Default bounds: about 10 s of a 4 Mbit/s stream. */
const DEFAULT_GOP_LIMITS: GopCacheLimits = { maxPackets: 8192, maxBytes: 8 * 1024 * 1024 };

/**
 * The packets of every media since the last video random-access point (IDR/IRAP or
 * SPS), so a reader that joins mid-stream starts decoding at once instead of waiting
 * for the next keyframe (MediaMTX has no such cache: mediamtx#1209).
 *
 * Packets are shared with the live fan-out: caching costs one array slot each.
 */
export class GopCache {
  #packets: CachedPacket[] = [];
  #bytes = 0;
  #keyTimestamp: number | undefined;
  readonly #limits: GopCacheLimits;

  constructor(limits: GopCacheLimits = DEFAULT_GOP_LIMITS) {
    this.#limits = limits;
  }

  /** Packets cached now, oldest first. */
  get packets(): readonly CachedPacket[] {
    return this.#packets;
  }

  /**
   * Offers a packet. `randomAccess` marks a video packet that starts (or belongs to the
   * parameter sets of) a keyframe; `timestamp` groups the packets of one access unit.
   */
  add(mediaIndex: number, packet: OutboundPacket, randomAccess: boolean, timestamp: number): void {
    if (randomAccess && timestamp !== this.#keyTimestamp) {
      this.#packets = [];
      this.#bytes = 0;
      this.#keyTimestamp = timestamp;
    }
    if (this.#keyTimestamp === undefined) return;
    this.#packets.push({ mediaIndex, packet });
    this.#bytes += packet.byteLength;
    if (this.#packets.length > this.#limits.maxPackets || this.#bytes > this.#limits.maxBytes) {
      this.clear(); // too large to be worth it: wait for the next keyframe
    }
  }

  /** Forgets everything until the next random-access packet. */
  clear(): void {
    this.#packets = [];
    this.#bytes = 0;
    this.#keyTimestamp = undefined;
  }
}
