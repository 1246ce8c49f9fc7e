/**
 * Just enough of the H.264 RTP payload format (RFC 6184) to find keyframes and
 * parameter sets without depacketizing. Nothing here throws: a truncated
 * aggregation packet yields the NAL units that fit.
 *
 * NAL unit header (RFC 6184 §1.3, §5.3):
 *
 * ```
 * +---------------+
 * |0|1|2|3|4|5|6|7|
 * +-+-+-+-+-+-+-+-+
 * |F|NRI|  Type   |
 * +---------------+
 * ```
 *
 * Payload structures by Type (RFC 6184 §5.2): 1–23 single NAL unit, 24 STAP-A,
 * 25 STAP-B, 26 MTAP16, 27 MTAP24, 28 FU-A, 29 FU-B.
 */

/** H.264 NAL unit types used here (ITU-T H.264 Table 7-1, RFC 6184 Table 1). */
export const H264_NAL = {
  NON_IDR: 1,
  IDR: 5,
  SEI: 6,
  SPS: 7,
  PPS: 8,
  AUD: 9,
  STAP_A: 24,
  STAP_B: 25,
  MTAP16: 26,
  MTAP24: 27,
  FU_A: 28,
  FU_B: 29,
} as const;

/** Types of the NAL units carried in one RTP payload; the fragmented type for FU-A/FU-B. */
export function h264NalTypes(payload: Uint8Array): number[] {
  const types: number[] = [];
  forEachH264Nal(payload, (nal) => {
    types.push(nal[0] & 0x1f);
  });
  return types;
}

/**
 * Whether this payload starts a random-access point: an IDR slice (5) or an SPS (7)
 * as a single NAL unit, inside STAP-A/STAP-B/MTAP, or as the start fragment of FU-A/FU-B.
 */
export function isH264RandomAccess(payload: Uint8Array): boolean {
  let found = false;
  forEachH264Nal(payload, (nal, isStart) => {
    const type = nal[0] & 0x1f;
    if (isStart && (type === H264_NAL.IDR || type === H264_NAL.SPS)) {
      found = true;
      return false;
    }
    return true;
  });
  return found;
}

/** SPS and PPS carried as single NAL units or in an aggregation packet (copies, first of each). */
export function extractH264ParameterSets(payload: Uint8Array): { sps?: Uint8Array; pps?: Uint8Array } {
  const out: { sps?: Uint8Array; pps?: Uint8Array } = {};
  const type = payload.length > 0 ? payload[0] & 0x1f : 0;
  // A fragmented parameter set cannot be read from one packet.
  if (type === H264_NAL.FU_A || type === H264_NAL.FU_B) return out;
  forEachH264Nal(payload, (nal) => {
    const nalType = nal[0] & 0x1f;
    if (nalType === H264_NAL.SPS && out.sps === undefined) out.sps = nal.slice();
    if (nalType === H264_NAL.PPS && out.pps === undefined) out.pps = nal.slice();
    return true;
  });
  return out;
}

/**
 * Calls `visit` for each NAL unit in the payload. For fragmentation units the
 * "NAL" passed is a one-byte reconstructed header (F and NRI from the indicator,
 * Type from the FU header) and `isStart` reflects the S bit. Returning `false`
 * stops the walk.
 */
export function forEachH264Nal(
  payload: Uint8Array,
  visit: (nal: Uint8Array, isStart: boolean) => boolean | void,
): void {
  if (payload.length === 0) return;
  const type = payload[0] & 0x1f;
  switch (type) {
    case H264_NAL.STAP_A:
      walkAggregation(payload, 1, 0, visit);
      return;
    case H264_NAL.STAP_B:
      walkAggregation(payload, 3, 0, visit); // RFC 6184 §5.7.1: 16-bit DON first
      return;
    case H264_NAL.MTAP16:
      walkAggregation(payload, 3, 3, visit); // §5.7.2: DONB, then DOND(8) + TS offset(16) per unit
      return;
    case H264_NAL.MTAP24:
      walkAggregation(payload, 3, 4, visit); // DOND(8) + TS offset(24) per unit
      return;
    case H264_NAL.FU_A:
    case H264_NAL.FU_B: {
      // RFC 6184 §5.8: FU indicator, then FU header |S|E|R|Type|.
      if (payload.length < 2) return;
      const header = Uint8Array.of((payload[0] & 0xe0) | (payload[1] & 0x1f));
      visit(header, (payload[1] & 0x80) !== 0);
      return;
    }
    case 0:
    case 30:
    case 31:
      return; // reserved / undefined
    default:
      visit(payload, true);
  }
}

/** Walks `[size(16) | skip bytes | NAL]` units starting at `offset`. */
function walkAggregation(
  payload: Uint8Array,
  offset: number,
  perUnitSkip: number,
  visit: (nal: Uint8Array, isStart: boolean) => boolean | void,
): void {
  let at = offset;
  while (at + 2 + perUnitSkip < payload.length) {
    const size = (payload[at] << 8) | payload[at + 1];
    const start = at + 2 + perUnitSkip;
    if (size === 0 || start + size > payload.length) return;
    if (visit(payload.subarray(start, start + size), true) === false) return;
    at = start + size;
  }
}
