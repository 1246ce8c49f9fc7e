/**
 * One RTP or RTCP packet on its way from a publisher to many readers, serialised once.
 *
 * The bytes live after 4 bytes of headroom, so the TCP-interleaved form
 * (`$`, channel, 16-bit length, packet: RFC 2326 §10.12) is the same buffer with the
 * header filled in. Readers on other channel numbers get a lazily made copy, shared by
 * every reader on that channel; in practice all readers use the same channels, so a
 * packet is serialised once whatever the number of readers.
 */
export class OutboundPacket {
  /** The packet bytes (RTP header + payload), a view into the framed buffer. */
  readonly data: Uint8Array;
  readonly #framed: Uint8Array;
  #channel = -1;
  #others: Map<number, Uint8Array> | undefined;

  /** Copies `packet` after 4 bytes of headroom. */
  constructor(packet: Uint8Array) {
    if (packet.length > 0xffff) throw new RangeError(`packet too large for interleaving: ${packet.length}`);
    const framed = new Uint8Array(packet.length + 4);
    framed[0] = 0x24; // '$'
    framed[2] = packet.length >> 8;
    framed[3] = packet.length & 0xff;
    framed.set(packet, 4);
    this.#framed = framed;
    this.data = framed.subarray(4);
  }

  #secured: OutboundPacket | undefined;

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
