/**
 * The copy of one stream media that UDP, multicast and SRTP readers get when the
 * publisher sends RTP packets larger than `udpMaxPayloadSize` (cameras that put whole NAL units
 * in one packet, IPv6 paths): oversized H.264 / H.265 packets are cut into FU-A / FU fragments,
 * once per packet for every such reader; plain TCP readers keep the original packets. SRTP
 * readers over TCP get the copy too: all SRTP readers share the stream's key, so they must
 * share one numbering (an SRTP index must never carry two different packets).
 *
 * The split copy has its own sequence numbering (a split adds packets), kept continuous by an
 * offset that grows with every split; timestamps are untouched, so RTCP sender reports, which
 * count what each reader was sent, stay consistent. A codec that cannot be split loses its
 * oversized packets on UDP (readers see a sequence gap), with one warning.
 *
 * @module
 */
import { OutboundPacket } from "./outbound_packet.ts";
import type { SdpMedia } from "../wire/sdp/mod.ts";
import type { PayloadSplitter } from "../wire/rtp/mod.ts";
import {
  rtpPayloadType,
  setRtpSequenceNumber,
  splitH264Payload,
  splitH265Payload,
  splitRtpPacket,
} from "../wire/rtp/mod.ts";

/** Where the repacketiser reports (once each). */
export interface UdpRepacketizerEvents {
  /** Oversized packets started to be split. */
  splitting(size: number, max: number): void;
  /** Oversized packets cannot be split and are not sent to UDP readers. */
  unsplittable(size: number, max: number): void;
}

/** The payload splitter of a media's first format, if its codec can be split. */
export function splitterFor(media: SdpMedia, codec: string): PayloadSplitter | undefined {
  const fmtp = media.attributes.find((a) => a.key.toLowerCase() === "fmtp")?.value ?? "";
  if (codec === "H264") {
    // Interleaved mode (2) uses STAP-B/MTAP/FU-B: the splitter refuses those packets one by one.
    return splitH264Payload;
  }
  if (codec === "H265") {
    // DONL fields (RFC 7798 §4.4) would have to be carried into every fragment: not done.
    const don = /sprop-max-don-diff=(\d+)/i.exec(fmtp);
    return don !== null && Number(don[1]) > 0 ? undefined : splitH265Payload;
  }
  return undefined;
}

/**
 * Per-media state of the split copy of a stream. Numbering works on RTP packet indexes
 * (RFC 3711 §3.3.1: ROC * 65536 + SEQ): the copy's index is the stream's plus the number of
 * packets that splits added, so sequence numbers and rollover counters of the copy follow
 * from the stream's without any tracking, even across periods without UDP readers.
 */
export class UdpRepacketizer {
  /** Largest RTP packet a UDP reader may get (udpMaxPayloadSize, minus the SRTP tag when SRTP may be used). */
  readonly maxPacketSize: number;
  readonly #split: PayloadSplitter | undefined;
  readonly #payloadType: number;
  readonly #events: UdpRepacketizerEvents;
  /** Packets that splits added so far: the copy's index minus the stream's. */
  #added = 0;
  #warnedSplit = false;
  #warnedDrop = false;

  constructor(
    maxPacketSize: number,
    split: PayloadSplitter | undefined,
    payloadType: number,
    events: UdpRepacketizerEvents,
  ) {
    this.maxPacketSize = maxPacketSize;
    this.#split = split;
    this.#payloadType = payloadType;
    this.#events = events;
  }

  /** Whether UDP readers get other packets than the stream's own (some packet was split). */
  get diverged(): boolean {
    return this.#added > 0;
  }

  /**
   * Hot path, only while UDP readers exist: the packets UDP readers get for `packet` (numbered
   * with the stream's packet index): the packet itself while nothing was ever split, else one
   * renumbered copy, or the fragments of an oversized packet; undefined to drop it.
   */
  convert(packet: OutboundPacket): OutboundPacket | OutboundPacket[] | undefined {
    const data = packet.data;
    if (data.length <= this.maxPacketSize) {
      if (this.#added === 0) return packet;
      return copyAt(data, packet.index + this.#added);
    }
    const parts = this.#splitPacket(data);
    if (parts === undefined) {
      if (!this.#warnedDrop) {
        this.#warnedDrop = true;
        this.#events.unsplittable(data.length, this.maxPacketSize);
      }
      return undefined;
    }
    if (!this.#warnedSplit) {
      this.#warnedSplit = true;
      this.#events.splitting(data.length, this.maxPacketSize);
    }
    const first = packet.index + this.#added;
    const out: OutboundPacket[] = [];
    for (let i = 0; i < parts.length; i++) out.push(copyAt(parts[i], first + i));
    this.#added += parts.length - 1;
    return out;
  }

  /** The index, in the copy, of the stream's packet `index`. */
  indexOf(index: number): number {
    return index + this.#added;
  }

  /**
   * The split copy of cached packets (GOP replay to a UDP reader that joins), numbered so that
   * the last one comes right before `next`, the copy's index of the next live packet. Undefined
   * when the originals can be replayed as they are.
   */
  replay(packets: readonly OutboundPacket[], next: number): OutboundPacket[] | undefined {
    if (this.#added === 0 && packets.every((p) => p.byteLength <= this.maxPacketSize)) return undefined;
    const parts: Uint8Array[] = [];
    for (const p of packets) {
      if (p.byteLength <= this.maxPacketSize) parts.push(p.data);
      else parts.push(...(this.#splitPacket(p.data) ?? []));
    }
    const first = next - parts.length;
    return parts.map((data, i) => copyAt(data, Math.max(0, first + i)));
  }

  #splitPacket(data: Uint8Array): Uint8Array[] | undefined {
    if (this.#split === undefined || rtpPayloadType(data) !== this.#payloadType) return undefined;
    try {
      return splitRtpPacket(data, this.maxPacketSize, this.#split);
    } catch {
      return undefined; // not valid RTP: nothing to split
    }
  }
}

/** A copy of `data` numbered with packet index `index` (its own ROC and sequence number). */
function copyAt(data: Uint8Array, index: number): OutboundPacket {
  const p = new OutboundPacket(data, index);
  setRtpSequenceNumber(p.data, index & 0xffff);
  return p;
}
