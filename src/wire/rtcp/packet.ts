/**
 * RTCP Sender and Receiver Reports (RFC 3550 §6.4) and compound packets (§6.1).
 *
 * Sender Report (PT=200, RFC 3550 §6.4.1); a Receiver Report (PT=201, §6.4.2) is
 * the same without the sender info block:
 *
 * ```
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=SR=200   |             length            |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         SSRC of sender                        |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * sender |              NTP timestamp, most significant word             |
 * info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |             NTP timestamp, least significant word             |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         RTP timestamp                         |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                     sender's packet count                     |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      sender's octet count                     |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * report |                 SSRC_1 (SSRC of first source)                 |
 * block  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   1    | fraction lost |       cumulative number of packets lost       |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |           extended highest sequence number received           |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      interarrival jitter                      |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         last SR (LSR)                         |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                   delay since last SR (DLSR)                  |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                  profile-specific extensions                  |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * `length` is the packet size in 32-bit words minus one, header included. The
 * cumulative loss is a signed 24-bit number (negative with duplicates).
 */

import { readUint32, RTCP_TYPE, rtcpHeader, writeUint32 } from "./_common.ts";

export { RTCP_TYPE } from "./_common.ts";
export { buildBye, type Bye, parseBye } from "./bye.ts";
export { buildSdesCname, parseSdes, type SdesChunk } from "./sdes.ts";

/** One reception report block (RFC 3550 §6.4.1), 24 bytes on the wire. */
export interface ReceiverReportBlock {
  ssrc: number;
  /** Fraction lost since the previous report, in 1/256 units (0–255). */
  fractionLost: number;
  /** Signed 24-bit cumulative count of lost packets. */
  cumulativeLost: number;
  /** Extended highest sequence number received (cycles << 16 | seq). */
  highestSequence: number;
  /** Interarrival jitter in RTP timestamp units. */
  jitter: number;
  /** Middle 32 bits of the last SR's NTP time, 0 when none. */
  lastSr: number;
  /** Delay since that SR in 1/65536 s, 0 when none. */
  delaySinceLastSr: number;
}

/** A Sender Report (PT 200). */
export interface SenderReport {
  ssrc: number;
  /** 64-bit NTP timestamp (see `../ntp.ts`). */
  ntpTime: bigint;
  rtpTime: number;
  packetCount: number;
  octetCount: number;
  reports: ReceiverReportBlock[];
}

/** A Receiver Report (PT 201). */
export interface ReceiverReport {
  ssrc: number;
  reports: ReceiverReportBlock[];
}

/** One packet of a compound RTCP datagram; SR and RR are decoded, others kept raw. */
export type RtcpPacket =
  | { type: "sr"; sr: SenderReport }
  | { type: "rr"; rr: ReceiverReport }
  | { type: "sdes" | "bye" | "app" | "other"; packetType: number; raw: Uint8Array };

const REPORT_BLOCK_SIZE = 24;
const MAX_REPORT_BLOCKS = 31; // the 5-bit RC field

/** Encodes a Sender Report with its report blocks (at most 31). */
export function buildSenderReport(sr: SenderReport): Uint8Array {
  checkBlockCount(sr.reports.length);
  const out = new Uint8Array(28 + REPORT_BLOCK_SIZE * sr.reports.length);
  rtcpHeader(out, sr.reports.length, RTCP_TYPE.SR);
  writeUint32(out, 4, sr.ssrc);
  const ntp = BigInt.asUintN(64, sr.ntpTime);
  writeUint32(out, 8, Number(ntp >> 32n));
  writeUint32(out, 12, Number(ntp & 0xffff_ffffn));
  writeUint32(out, 16, sr.rtpTime);
  writeUint32(out, 20, sr.packetCount);
  writeUint32(out, 24, sr.octetCount);
  sr.reports.forEach((block, i) => writeReportBlock(out, 28 + REPORT_BLOCK_SIZE * i, block));
  return out;
}

/** Encodes a Receiver Report with its report blocks (at most 31). */
export function buildReceiverReport(rr: ReceiverReport): Uint8Array {
  checkBlockCount(rr.reports.length);
  const out = new Uint8Array(8 + REPORT_BLOCK_SIZE * rr.reports.length);
  rtcpHeader(out, rr.reports.length, RTCP_TYPE.RR);
  writeUint32(out, 4, rr.ssrc);
  rr.reports.forEach((block, i) => writeReportBlock(out, 8 + REPORT_BLOCK_SIZE * i, block));
  return out;
}

/** Concatenates RTCP packets into one compound datagram (RFC 3550 §6.1: SR/RR first, then SDES). */
export function buildCompound(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Cheap plausibility check for an RTCP packet: version 2, at least a 4-byte header,
 * and packet type 200–207 (the same range `isRtpPacket` rejects, RFC 5761 §4).
 */
export function isRtcpPacket(buf: Uint8Array): boolean {
  return buf.length >= 4 && buf[0] >> 6 === 2 && buf[1] >= 200 && buf[1] <= 207;
}

/**
 * Splits a compound RTCP datagram and decodes SR/RR packets. Throws `RangeError`
 * when a length field or report count does not fit. Padding (the P bit, RFC 3550
 * §6.4.1) is honoured on any packet, and zero bytes after the last packet are
 * ignored, since some senders pad datagrams to a fixed size. `raw` entries are views
 * into `buf` (no copy): copy them before reusing the receive buffer.
 */
export function parseRtcpCompound(buf: Uint8Array): RtcpPacket[] {
  if (buf.length === 0) throw new RangeError("Cannot parse RTCP packet: empty buffer");
  const packets: RtcpPacket[] = [];
  let at = 0;
  while (at < buf.length) {
    if (packets.length > 0 && buf[at] === 0 && buf.subarray(at).every((b) => b === 0)) break;
    if (at + 4 > buf.length) throw new RangeError(`Cannot parse RTCP packet: truncated header at ${at}`);
    const version = buf[at] >> 6;
    if (version !== 2) throw new RangeError(`Cannot parse RTCP packet: version ${version}, expected 2`);
    const size = (((buf[at + 2] << 8) | buf[at + 3]) + 1) * 4;
    if (at + size > buf.length) {
      throw new RangeError(
        `Cannot parse RTCP packet: length ${size} exceeds the ${buf.length - at} bytes left`,
      );
    }
    let end = at + size;
    if (buf[at] & 0x20) {
      const pad = buf[end - 1];
      if (pad === 0 || pad > size - 4) {
        throw new RangeError(`Cannot parse RTCP packet: invalid padding ${pad}`);
      }
      end -= pad;
    }
    packets.push(decodePacket(buf.subarray(at, end)));
    at += size;
  }
  return packets;
}

function decodePacket(p: Uint8Array): RtcpPacket {
  const count = p[0] & 0x1f;
  const packetType = p[1];
  switch (packetType) {
    case RTCP_TYPE.SR: {
      requireSize(p, 28 + REPORT_BLOCK_SIZE * count, "SR");
      const ntpTime = (BigInt(readUint32(p, 8)) << 32n) | BigInt(readUint32(p, 12));
      return {
        type: "sr",
        sr: {
          ssrc: readUint32(p, 4),
          ntpTime,
          rtpTime: readUint32(p, 16),
          packetCount: readUint32(p, 20),
          octetCount: readUint32(p, 24),
          reports: readReportBlocks(p, 28, count),
        },
      };
    }
    case RTCP_TYPE.RR:
      requireSize(p, 8 + REPORT_BLOCK_SIZE * count, "RR");
      return { type: "rr", rr: { ssrc: readUint32(p, 4), reports: readReportBlocks(p, 8, count) } };
    case RTCP_TYPE.SDES:
      return { type: "sdes", packetType, raw: p };
    case RTCP_TYPE.BYE:
      return { type: "bye", packetType, raw: p };
    case RTCP_TYPE.APP:
      return { type: "app", packetType, raw: p };
    default:
      return { type: "other", packetType, raw: p };
  }
}

function requireSize(p: Uint8Array, needed: number, what: string): void {
  if (p.length < needed) {
    throw new RangeError(`Cannot parse RTCP ${what}: ${p.length} bytes, its report count needs ${needed}`);
  }
}

function checkBlockCount(n: number): void {
  if (n > MAX_REPORT_BLOCKS) {
    throw new RangeError(`Cannot build RTCP report: ${n} report blocks, at most ${MAX_REPORT_BLOCKS}`);
  }
}

function readReportBlocks(p: Uint8Array, at: number, count: number): ReceiverReportBlock[] {
  const blocks: ReceiverReportBlock[] = [];
  for (let i = 0; i < count; i++, at += REPORT_BLOCK_SIZE) {
    const lost = (p[at + 5] << 16) | (p[at + 6] << 8) | p[at + 7];
    blocks.push({
      ssrc: readUint32(p, at),
      fractionLost: p[at + 4],
      cumulativeLost: lost & 0x80_0000 ? lost - 0x100_0000 : lost, // sign-extend 24 bits
      highestSequence: readUint32(p, at + 8),
      jitter: readUint32(p, at + 12),
      lastSr: readUint32(p, at + 16),
      delaySinceLastSr: readUint32(p, at + 20),
    });
  }
  return blocks;
}

function writeReportBlock(out: Uint8Array, at: number, b: ReceiverReportBlock): void {
  const lost = Math.max(-0x80_0000, Math.min(0x7f_ffff, Math.trunc(b.cumulativeLost)));
  writeUint32(out, at, b.ssrc);
  writeUint32(out, at + 4, ((b.fractionLost & 0xff) << 24) | (lost & 0xff_ffff));
  writeUint32(out, at + 8, b.highestSequence);
  writeUint32(out, at + 12, b.jitter);
  writeUint32(out, at + 16, b.lastSr);
  writeUint32(out, at + 20, b.delaySinceLastSr);
}
