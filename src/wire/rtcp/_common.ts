/**
 * RTCP common header (RFC 3550 §6.4.1) and byte helpers shared by the packet codecs.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  count  |      PT       |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */

/** RTCP packet types (RFC 3550 §12.1). */
export const RTCP_TYPE = { SR: 200, RR: 201, SDES: 202, BYE: 203, APP: 204 } as const;

/** Writes the 4-byte header; `out.length` must be a multiple of 4. */
export function rtcpHeader(out: Uint8Array, count: number, packetType: number): void {
  const words = out.length / 4 - 1;
  out[0] = 0x80 | (count & 0x1f);
  out[1] = packetType;
  out[2] = (words >>> 8) & 0xff;
  out[3] = words & 0xff;
}

/** Reads a big-endian unsigned 32-bit integer. */
export function readUint32(buf: Uint8Array, at: number): number {
  return ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
}

/** Writes a big-endian unsigned 32-bit integer. */
export function writeUint32(buf: Uint8Array, at: number, value: number): void {
  buf[at] = (value >>> 24) & 0xff;
  buf[at + 1] = (value >>> 16) & 0xff;
  buf[at + 2] = (value >>> 8) & 0xff;
  buf[at + 3] = value & 0xff;
}
