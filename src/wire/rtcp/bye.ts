/**
 * RTCP Goodbye (PT=203, RFC 3550 §6.6):
 *
 * ```
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |V=2|P|    SC   |   PT=BYE=203  |             length            |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                           SSRC/CSRC                           |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       :                              ...                              :
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * (opt) |     length    |               reason for leaving            ...
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */

import { readUint32, RTCP_TYPE, rtcpHeader, writeUint32 } from "./_common.ts";

/** A decoded BYE packet. */
export interface Bye {
  ssrcs: number[];
  reason?: string;
}

/** Builds a BYE for one source, with an optional reason (at most 255 UTF-8 bytes). */
export function buildBye(ssrc: number, reason?: string): Uint8Array {
  const text = reason === undefined ? undefined : new TextEncoder().encode(reason);
  if (text !== undefined && text.length > 255) {
    throw new RangeError(`Cannot build RTCP BYE: reason is ${text.length} bytes, max 255`);
  }
  const size = 8 + (text === undefined ? 0 : Math.ceil((1 + text.length) / 4) * 4);
  const out = new Uint8Array(size);
  rtcpHeader(out, 1, RTCP_TYPE.BYE);
  writeUint32(out, 4, ssrc);
  if (text !== undefined) {
    out[8] = text.length;
    out.set(text, 9);
  }
  return out;
}

/** Decodes a BYE packet (as returned raw by `parseRtcpCompound`); throws `RangeError`. */
export function parseBye(raw: Uint8Array): Bye {
  if (raw.length < 4 || raw[1] !== RTCP_TYPE.BYE) {
    throw new RangeError("Cannot parse RTCP BYE: not a BYE packet");
  }
  const count = raw[0] & 0x1f;
  if (4 + 4 * count > raw.length) throw new RangeError(`Cannot parse RTCP BYE: ${count} SSRCs do not fit`);
  const ssrcs: number[] = [];
  for (let i = 0; i < count; i++) ssrcs.push(readUint32(raw, 4 + 4 * i));
  const at = 4 + 4 * count;
  if (at >= raw.length) return { ssrcs };
  const length = raw[at];
  if (at + 1 + length > raw.length) throw new RangeError("Cannot parse RTCP BYE: reason is truncated");
  return { ssrcs, reason: new TextDecoder().decode(raw.subarray(at + 1, at + 1 + length)) };
}
