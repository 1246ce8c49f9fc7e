import type { Delivery } from "./delivery.ts";
import type { SessionMedia } from "./session_media.ts";
import type { ReaderDrops, SessionCounters } from "./session_counters.ts";
import type { FanOutBurst, FanOutPacket } from "./stream_port.ts";

/** What the outbound path needs of its session. */
export interface OutboundOwner {
  /** The delivery while the session plays (PLAY, or paused after it), else undefined. */
  playingDelivery(): Delivery | undefined;
  /** Set-up medias by media index. */
  readonly byIndex: readonly (SessionMedia | undefined)[];
  readonly counters: SessionCounters;
  readonly drops: ReaderDrops;
}

/**
 * A reading session's hot path: the stream's packets (one by one, TCP bursts, UDP runs) to the
 * session's delivery, counted for its RTCP sender reports and the API, or counted as dropped
 * when the reader is too slow. Between PLAY and its response everything is held, then sent in
 * order (RFC 2326 §10.5: no packet before the PLAY response).
 */
export class SessionOutbound {
  readonly #owner: OutboundOwner;
  #held: ([number, FanOutPacket] | FanOutBurst)[] | undefined;

  constructor(owner: OutboundOwner) {
    this.#owner = owner;
  }

  /** Whether packets are held (PLAY answered but its response not queued yet). */
  get holding(): boolean {
    return this.#held !== undefined;
  }

  /** PLAY: hold what arrives until `release`. */
  hold(): void {
    this.#held = [];
  }

  /** Sends what arrived since `hold`, then goes live. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    // The held packets are the cached GOP (bounded by the cache itself): they bypass the
    // per-reader queue bound, which a 4 Mbit/s GOP (~700 packets) would otherwise overflow.
    for (const h of held) {
      if (Array.isArray(h)) this.#write(h[0], h[1], true);
      else this.#writeBurst(h, true);
    }
  }

  /** The session ended: nothing held is sent. */
  discard(): void {
    this.#held = undefined;
  }

  /** One packet for this reader, or a counted drop. */
  writeRtp(mediaIndex: number, packet: FanOutPacket): void {
    if (this.#held !== undefined) this.#held.push([mediaIndex, packet]);
    else this.#write(mediaIndex, packet, false);
  }

  /** TCP readers of the whole stream: one turn's packets in one chunk. */
  writeBurst(burst: FanOutBurst): void {
    if (this.#held !== undefined) this.#held.push(burst);
    else this.#writeBurst(burst, false);
  }

  /** UDP readers: one turn's packets of a media in one call. */
  writeRun(mediaIndex: number, packets: readonly FanOutPacket[]): void {
    if (this.#held !== undefined) {
      for (const packet of packets) this.#held.push([mediaIndex, packet]);
      return;
    }
    const o = this.#owner;
    const m = o.byIndex[mediaIndex];
    const d = o.playingDelivery();
    if (m === undefined || d === undefined) return;
    const sent = d.sendRun(mediaIndex, packets);
    let bytes = 0;
    for (let i = 0; i < sent; i++) bytes += packets[i].byteLength;
    this.#sent(m, sent, bytes);
    if (sent < packets.length) o.drops.add(packets.length - sent);
  }

  #write(mediaIndex: number, packet: FanOutPacket, force: boolean): void {
    const o = this.#owner;
    const m = o.byIndex[mediaIndex];
    const d = o.playingDelivery();
    if (m === undefined || d === undefined) return;
    if (d.sendRtp(mediaIndex, packet, force)) this.#sent(m, 1, packet.byteLength);
    else o.drops.add();
  }

  #writeBurst(burst: FanOutBurst, force: boolean): void {
    const o = this.#owner;
    const d = o.playingDelivery();
    if (d === undefined) return;
    if (!d.sendBurst(burst.bytes, burst.count, force)) {
      o.drops.add(burst.count);
      return;
    }
    for (let i = 0; i < burst.packets.length; i++) {
      const m = o.byIndex[i];
      if (m !== undefined) this.#sent(m, burst.packets[i], burst.rtpBytes[i]);
    }
  }

  /** Counts `packets` RTP packets of `bytes` (headers included) sent on media `m`: RTCP SR and API. */
  #sent(m: SessionMedia, packets: number, bytes: number): void {
    m.sentPackets += packets;
    m.sentOctets += bytes - 12 * packets;
    this.#owner.counters.outBytes += bytes;
  }
}
