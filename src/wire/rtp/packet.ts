/**
 * RTP fixed header (RFC 3550 §5.1):
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * Header extension, when X is set (RFC 3550 §5.3.1), right after the CSRCs:
 *
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * |                             ....                              |
 * ```
 *
 * `length` counts 32-bit words after the first extension word. With P set, the
 * last payload octet counts the padding octets, itself included (RFC 3550 §5.1).
 *
 * The accessors below read fields straight from a packet buffer without allocating;
 * the forwarding hot path uses them instead of a full parse.
 */

/** Size of the RTP fixed header in bytes. */
const RTP_HEADER_SIZE = 12;

/** Decoded RTP header plus where the payload sits in the packet buffer. */
export interface RtpHeader {
  version: number;
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** Offset of the payload: after the CSRC list and the header extension. */
  payloadOffset: number;
  /** Payload length without the padding octets. */
  payloadLength: number;
}

/** Fields needed to build an RTP packet with no CSRC, extension or padding. */
export interface RtpPacketInit {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  payload: Uint8Array;
}

/** Parses and validates an RTP header; throws `RangeError` on a short or invalid packet. */
export function parseRtpHeader(buf: Uint8Array): RtpHeader {
  if (buf.length < RTP_HEADER_SIZE) {
    throw new RangeError(`Cannot parse RTP packet: ${buf.length} bytes is shorter than the 12-byte header`);
  }
  const version = buf[0] >> 6;
  if (version !== 2) throw new RangeError(`Cannot parse RTP packet: version ${version}, expected 2`);
  const padding = (buf[0] & 0x20) !== 0;
  const extension = (buf[0] & 0x10) !== 0;
  const csrcCount = buf[0] & 0x0f;
  let offset = RTP_HEADER_SIZE + 4 * csrcCount;
  if (offset > buf.length) {
    throw new RangeError(`Cannot parse RTP packet: ${csrcCount} CSRCs do not fit in ${buf.length} bytes`);
  }
  if (extension) {
    if (offset + 4 > buf.length) throw new RangeError("Cannot parse RTP packet: truncated header extension");
    const words = (buf[offset + 2] << 8) | buf[offset + 3];
    offset += 4 + 4 * words;
    if (offset > buf.length) {
      throw new RangeError(`Cannot parse RTP packet: header extension of ${words} words is truncated`);
    }
  }
  let end = buf.length;
  if (padding) {
    const count = buf[buf.length - 1];
    // RFC 3550 §5.1: the count includes itself, so 0 is invalid.
    if (count === 0 || count > end - offset) {
      throw new RangeError(`Cannot parse RTP packet: invalid padding length ${count}`);
    }
    end -= count;
  }
  return {
    version,
    padding,
    extension,
    csrcCount,
    marker: (buf[1] & 0x80) !== 0,
    payloadType: buf[1] & 0x7f,
    sequenceNumber: (buf[2] << 8) | buf[3],
    timestamp: readUint32(buf, 4),
    ssrc: readUint32(buf, 8),
    payloadOffset: offset,
    payloadLength: end - offset,
  };
}

/** The payload bytes of a parsed packet, as a view (no copy). */
export function rtpPayload(buf: Uint8Array, header: RtpHeader): Uint8Array {
  return buf.subarray(header.payloadOffset, header.payloadOffset + header.payloadLength);
}

/** Sequence number of a packet (no validation, no allocation). */
export function rtpSequenceNumber(buf: Uint8Array): number {
  return (buf[2] << 8) | buf[3];
}

/** RTP timestamp of a packet (no validation, no allocation). */
export function rtpTimestamp(buf: Uint8Array): number {
  return readUint32(buf, 4);
}

/** SSRC of a packet (no validation, no allocation). */
export function rtpSsrc(buf: Uint8Array): number {
  return readUint32(buf, 8);
}

/** Marker bit of a packet (no validation, no allocation). */
export function rtpMarker(buf: Uint8Array): boolean {
  return (buf[1] & 0x80) !== 0;
}

/** Payload type of a packet (no validation, no allocation). */
export function rtpPayloadType(buf: Uint8Array): number {
  return buf[1] & 0x7f;
}

/** Overwrites the SSRC in place (the server rewrites SSRCs per stream). */
export function setRtpSsrc(buf: Uint8Array, ssrc: number): void {
  writeUint32(buf, 8, ssrc);
}

/** Overwrites the sequence number in place (used when remuxing). */
export function setRtpSequenceNumber(buf: Uint8Array, sequenceNumber: number): void {
  buf[2] = (sequenceNumber >>> 8) & 0xff;
  buf[3] = sequenceNumber & 0xff;
}

/** Overwrites the RTP timestamp in place (used when remuxing). */
export function setRtpTimestamp(buf: Uint8Array, timestamp: number): void {
  writeUint32(buf, 4, timestamp);
}

/** Overwrites the payload type in place, keeping the marker bit. */
export function setRtpPayloadType(buf: Uint8Array, payloadType: number): void {
  buf[1] = (buf[1] & 0x80) | (payloadType & 0x7f);
}

/**
 * The 48-bit packet index (ROC * 2^16 + SEQ, RFC 3711 §3.3.1) of sequence number `seq`, given
 * `highest`, the highest index so far: the RFC's estimate, so a packet reordered across a wrap
 * keeps the previous cycle and the wrap itself starts the next one. There is no cycle before 0
 * (same deviation as the SRTP receivers': the RFC's ROC - 1 mod 2^32 would jump far ahead).
 */
export function extendRtpSequenceNumber(highest: number, seq: number): number {
  const roc = Math.floor(highest / 0x10000);
  const last = highest - roc * 0x10000;
  let v = roc;
  if (last < 0x8000) {
    if (seq - last > 0x8000 && roc > 0) v = roc - 1;
  } else if (last - 0x8000 > seq) {
    v = roc + 1;
  }
  return v * 0x10000 + seq;
}

/**
 * Cheap plausibility check: version 2, at least 12 bytes, and a payload type that
 * does not collide with RTCP packet types 200–207 (SR, RR, SDES, BYE, APP of RFC 3550,
 * RTPFB/PSFB of RFC 4585, XR of RFC 3611), i.e. PT 72–79 once the marker bit is
 * masked (RFC 5761 §4).
 */
export function isRtpPacket(buf: Uint8Array): boolean {
  if (buf.length < RTP_HEADER_SIZE || buf[0] >> 6 !== 2) return false;
  const pt = buf[1] & 0x7f;
  return pt < 72 || pt > 79;
}

/** Builds a packet with no CSRC, extension or padding. */
export function buildRtpPacket(init: RtpPacketInit): Uint8Array {
  const out = new Uint8Array(RTP_HEADER_SIZE + init.payload.length);
  writeRtpHeader(out, 0, init);
  out.set(init.payload, RTP_HEADER_SIZE);
  return out;
}

/** Writes a 12-byte header into a caller's buffer at `offset` (encode without allocating). */
export function writeRtpHeader(
  dst: Uint8Array,
  offset: number,
  h: Omit<RtpPacketInit, "payload">,
): void {
  if (offset < 0 || offset + RTP_HEADER_SIZE > dst.length) {
    throw new RangeError(`Cannot write RTP header: no room at offset ${offset}`);
  }
  dst[offset] = 0x80;
  dst[offset + 1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  dst[offset + 2] = (h.sequenceNumber >>> 8) & 0xff;
  dst[offset + 3] = h.sequenceNumber & 0xff;
  writeUint32(dst, offset + 4, h.timestamp);
  writeUint32(dst, offset + 8, h.ssrc);
}

function readUint32(buf: Uint8Array, at: number): number {
  return ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
}

function writeUint32(buf: Uint8Array, at: number, value: number): void {
  buf[at] = (value >>> 24) & 0xff;
  buf[at + 1] = (value >>> 16) & 0xff;
  buf[at + 2] = (value >>> 8) & 0xff;
  buf[at + 3] = value & 0xff;
}
