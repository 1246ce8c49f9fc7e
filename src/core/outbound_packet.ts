import type { FanOutPacket } from "../server/mod.ts";

/**
 * One RTP packet on its way from a publisher to many readers, serialised once: fan-out state of
 * a stream, not a codec (readers see it as a `FanOutPacket`).
 *
 * The bytes live after 4 bytes of headroom, so the TCP-interleaved form
 * (`$`, channel, 16-bit length, packet: RFC 2326 §10.12) is the same buffer with the
 * header filled in. Readers on other channel numbers get a lazily made copy, shared by
 * every reader on that channel; in practice all readers use the same channels, so a
 * packet is serialised once whatever the number of readers.
 *
 * `index` is the packet's place in the numbering it was sent with: ROC * 2^16 + SEQ
 * (RFC 3711 §3.3.1). The stream assigns it once; the SRTP form of the packet is made from it,
 * so nothing downstream guesses a rollover counter.
 */
export class OutboundPacket implements FanOutPacket {
  /** The packet bytes (RTP header + payload), a view into the framed buffer. */
  readonly data: Uint8Array;
  /** 48-bit packet index: rollover counter * 65536 + sequence number. */
  readonly index: number;
  readonly #framed: Uint8Array;
  #channel = -1;
  #others: Map<number, Uint8Array> | undefined;
  #secured: OutboundPacket | undefined;

  /** Copies `packet` after 4 bytes of headroom; or, given a length, leaves `data` zeroed for the caller to fill. */
  constructor(packet: Uint8Array | number, index = 0) {
    const length = typeof packet === "number" ? packet : packet.length;
    if (length > 0xffff) throw new RangeError(`packet too large for interleaving: ${length}`);
    const framed = new Uint8Array(length + 4);
    framed[0] = 0x24; // '$'
    framed[2] = length >> 8;
    framed[3] = length & 0xff;
    if (typeof packet !== "number") framed.set(packet, 4);
    this.#framed = framed;
    this.data = framed.subarray(4);
    this.index = index;
  }

  /** Rollover counter of the packet's sequence number (RFC 3711 §3.3.1). */
  get roc(): number {
    return Math.floor(this.index / 0x10000);
  }

  /**
   * The SRTP form of this packet, made by `encrypt` on first use and shared by every
   * SAVP reader (each packet is encrypted once per stream, not once per reader).
   */
  secured(encrypt: (plain: OutboundPacket) => OutboundPacket): OutboundPacket {
    return this.#secured ??= encrypt(this);
  }

  /** Size of the packet without framing. */
  get byteLength(): number {
    return this.data.length;
  }

  /** The interleaved frame for `channel` (do not modify it: it is shared). */
  framed(channel: number): Uint8Array {
    if (this.#channel === -1) {
      this.#channel = channel;
      this.#framed[1] = channel;
    }
    if (channel === this.#channel) return this.#framed;
    this.#others ??= new Map();
    let copy = this.#others.get(channel);
    if (copy === undefined) {
      copy = this.#framed.slice();
      copy[1] = channel;
      this.#others.set(channel, copy);
    }
    return copy;
  }
}
