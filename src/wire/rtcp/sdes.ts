/**
 * RTCP Source Description (PT=202, RFC 3550 §6.5):
 *
 * ```
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    SC   |  PT=SDES=202  |             length            |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * chunk  |                          SSRC/CSRC_1                          |
 *   1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                           SDES items                          |
 *        |                              ...                              |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 *
 * Each item is `type(8) | length(8) | text`; a chunk's item list ends with one or
 * more zero octets that pad it to a 32-bit boundary. CNAME is item type 1 (§6.5.1).
 */

import { readUint32, RTCP_TYPE, rtcpHeader, writeUint32 } from "./_common.ts";

/** One SDES chunk: a source and its items (type → UTF-8 text). */
export interface SdesChunk {
  ssrc: number;
  /** The CNAME item, when present. */
  cname?: string;
  items: Array<{ type: number; value: string }>;
}

const SDES_CNAME = 1;

/** Builds an SDES packet with one chunk carrying only a CNAME (RFC 3550 §6.5.1). */
export function buildSdesCname(ssrc: number, cname: string): Uint8Array {
  const text = new TextEncoder().encode(cname);
  if (text.length > 255) {
    throw new RangeError(`Cannot build RTCP SDES: CNAME is ${text.length} bytes, max 255`);
  }
  // SSRC + type + length + text, then at least one zero octet, rounded up to 4.
  const chunkSize = Math.ceil((4 + 2 + text.length + 1) / 4) * 4;
  const out = new Uint8Array(4 + chunkSize);
  rtcpHeader(out, 1, RTCP_TYPE.SDES);
  writeUint32(out, 4, ssrc);
  out[8] = SDES_CNAME;
  out[9] = text.length;
  out.set(text, 10);
  return out;
}

/** Decodes the chunks of an SDES packet (as returned raw by `parseRtcpCompound`); throws `RangeError`. */
export function parseSdes(raw: Uint8Array): SdesChunk[] {
  if (raw.length < 4 || raw[1] !== RTCP_TYPE.SDES) {
    throw new RangeError("Cannot parse RTCP SDES: not an SDES packet");
  }
  const count = raw[0] & 0x1f;
  const decoder = new TextDecoder();
  const chunks: SdesChunk[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (at + 4 > raw.length) throw new RangeError(`Cannot parse RTCP SDES: chunk ${i} is truncated`);
    const chunk: SdesChunk = { ssrc: readUint32(raw, at), items: [] };
    at += 4;
    while (true) {
      if (at >= raw.length) throw new RangeError(`Cannot parse RTCP SDES: chunk ${i} has no terminator`);
      const type = raw[at];
      if (type === 0) break;
      if (at + 2 > raw.length || at + 2 + raw[at + 1] > raw.length) {
        throw new RangeError(`Cannot parse RTCP SDES: item of type ${type} is truncated`);
      }
      const value = decoder.decode(raw.subarray(at + 2, at + 2 + raw[at + 1]));
      chunk.items.push({ type, value });
      if (type === SDES_CNAME && chunk.cname === undefined) chunk.cname = value;
      at += 2 + raw[at + 1];
    }
    // Skip the terminating zero and the padding up to the next 32-bit boundary.
    at = Math.ceil((at + 1) / 4) * 4;
    chunks.push(chunk);
  }
  return chunks;
}
