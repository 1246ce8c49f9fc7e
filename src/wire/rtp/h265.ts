/**
 * Just enough of the H.265 RTP payload format (RFC 7798) to find random-access
 * points and parameter sets without depacketizing. Nothing here throws.
 *
 * NAL unit header / PayloadHdr (RFC 7798 §1.1.4):
 *
 * ```
 * +---------------+---------------+
 * |0|1|2|3|4|5|6|7|0|1|2|3|4|5|6|7|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |F|   Type    |  LayerId  | TID |
 * +-------------+-----------------+
 * ```
 *
 * Type 48 = aggregation packet (AP, §4.4.2), 49 = fragmentation unit (FU, §4.4.3),
 * 50 = PACI (§4.4.4, not unwrapped here); other types are single NAL unit packets.
 *
 * DONL/DOND fields are present only when the SDP has `sprop-max-don-diff` > 0
 * (RFC 7798 §4.4); callers pass `{ donl: true }` then. Almost no camera does.
 */

/** H.265 NAL unit types used here (ITU-T H.265 Table 7-1, RFC 7798 §4.4). */
export const H265_NAL = {
  BLA_W_LP: 16,
  CRA: 21,
  VPS: 32,
  SPS: 33,
  PPS: 34,
  AUD: 35,
  AP: 48,
  FU: 49,
  PACI: 50,
} as const;

/** Whether DONL/DOND fields are present (SDP `sprop-max-don-diff` > 0). */
export interface H265PayloadOptions {
  donl?: boolean;
}

/** Types of the NAL units in one RTP payload; the fragmented type for FUs. */
export function h265NalTypes(payload: Uint8Array, options?: H265PayloadOptions): number[] {
  const types: number[] = [];
  forEachH265Nal(payload, (nal) => {
    types.push((nal[0] >> 1) & 0x3f);
  }, options);
  return types;
}

/**
 * Whether this payload starts a random-access point: an IRAP picture (types 16–21:
 * BLA, IDR, CRA) or a VPS/SPS (32/33), as a single NAL unit, inside an AP, or as
 * the start fragment of an FU.
 */
export function isH265RandomAccess(payload: Uint8Array, options?: H265PayloadOptions): boolean {
  let found = false;
  forEachH265Nal(payload, (nal, isStart) => {
    const type = (nal[0] >> 1) & 0x3f;
    if (isStart && ((type >= H265_NAL.BLA_W_LP && type <= H265_NAL.CRA) || type === 32 || type === 33)) {
      found = true;
      return false;
    }
    return true;
  }, options);
  return found;
}

/** VPS, SPS and PPS carried as single NAL units or in an AP (copies, first of each). */
export function extractH265ParameterSets(
  payload: Uint8Array,
  options?: H265PayloadOptions,
): { vps?: Uint8Array; sps?: Uint8Array; pps?: Uint8Array } {
  const out: { vps?: Uint8Array; sps?: Uint8Array; pps?: Uint8Array } = {};
  if (payload.length >= 2 && ((payload[0] >> 1) & 0x3f) === H265_NAL.FU) return out;
  forEachH265Nal(payload, (nal) => {
    const type = (nal[0] >> 1) & 0x3f;
    if (type === H265_NAL.VPS && out.vps === undefined) out.vps = nal.slice();
    if (type === H265_NAL.SPS && out.sps === undefined) out.sps = nal.slice();
    if (type === H265_NAL.PPS && out.pps === undefined) out.pps = nal.slice();
    return true;
  }, options);
  return out;
}

/**
 * Calls `visit` for each NAL unit in the payload. For an FU the "NAL" passed is a
 * two-byte reconstructed header (Type from the FU header) and `isStart` is the S
 * bit. Returning `false` stops the walk.
 */
export function forEachH265Nal(
  payload: Uint8Array,
  visit: (nal: Uint8Array, isStart: boolean) => boolean | void,
  options?: H265PayloadOptions,
): void {
  if (payload.length < 2) return;
  const type = (payload[0] >> 1) & 0x3f;
  const donl = options?.donl === true;
  if (type === H265_NAL.AP) {
    // RFC 7798 §4.4.2: [DONL(16)] size(16) NALU, then [DOND(8)] size(16) NALU ...
    let at = 2;
    let first = true;
    while (true) {
      if (donl) at += first ? 2 : 1;
      first = false;
      if (at + 2 >= payload.length) return;
      const size = (payload[at] << 8) | payload[at + 1];
      const start = at + 2;
      if (size < 2 || start + size > payload.length) return;
      if (visit(payload.subarray(start, start + size), true) === false) return;
      at = start + size;
    }
  }
  if (type === H265_NAL.FU) {
    // RFC 7798 §4.4.3: FU header |S|E|FuType| after the PayloadHdr.
    if (payload.length < 3) return;
    const fu = payload[2];
    const header = Uint8Array.of((payload[0] & 0x81) | ((fu & 0x3f) << 1), payload[1]);
    visit(header, (fu & 0x80) !== 0);
    return;
  }
  if (type === H265_NAL.PACI) return;
  visit(payload, true);
}
