/**
 * Re-packetising one RTP packet into smaller ones (RFC 3550 §5.1) with a codec's payload
 * splitter, for readers whose datagrams must stay under a size limit.
 *
 * @module
 */
import { parseRtpHeader } from "./packet.ts";

/** Cuts one payload into payloads of at most `maxSize` bytes, or undefined when it cannot. */
export type PayloadSplitter = (payload: Uint8Array, maxSize: number) => Uint8Array[] | undefined;

/**
 * The packets that carry `packet` in at most `maxPacketSize` bytes each. Every packet keeps the
 * original header (version, payload type, timestamp, SSRC, CSRCs, extension); padding is dropped
 * and the marker bit, if set, moves to the last packet (RFC 6184 §5.1, RFC 7798 §4.1: it marks
 * the last packet of an access unit). Sequence numbers are left as in the original: the caller
 * numbers the new packets. Returns `[packet]` when it fits, undefined when the payload cannot be
 * split; throws `RangeError` when `packet` is not RTP.
 */
export function splitRtpPacket(
  packet: Uint8Array,
  maxPacketSize: number,
  split: PayloadSplitter,
): Uint8Array[] | undefined {
  if (packet.length <= maxPacketSize) return [packet];
  const h = parseRtpHeader(packet);
  const headerSize = h.payloadOffset;
  const payloads = split(
    packet.subarray(headerSize, headerSize + h.payloadLength),
    maxPacketSize - headerSize,
  );
  if (payloads === undefined) return undefined;
  const out: Uint8Array[] = [];
  for (let i = 0; i < payloads.length; i++) {
    const p = new Uint8Array(headerSize + payloads[i].length);
    p.set(packet.subarray(0, headerSize));
    p[0] &= ~0x20; // no padding
    p[1] = (h.marker && i === payloads.length - 1 ? 0x80 : 0) | (packet[1] & 0x7f);
    p.set(payloads[i], headerSize);
    out.push(p);
  }
  return out;
}
