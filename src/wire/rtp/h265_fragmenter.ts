/**
 * Splits H.265 RTP payloads (RFC 7798) that are too large for a datagram into
 * fragmentation units (FU, §4.4.3), for readers behind a smaller MTU than the publisher's.
 *
 * FU layout: PayloadHdr (Type 49, F/LayerId/TID of the NAL unit), FU header, fragment:
 *
 * ```
 * +---------------+---------------+---------------+
 * |F|  Type=49  |  LayerId  | TID |S|E|  FuType   |
 * +---------------+---------------+---------------+
 * ```
 *
 * Streams with DONL fields (`sprop-max-don-diff` > 0) are not handled: callers do not split them.
 *
 * @module
 */
import { H265_NAL } from "./h265.ts";

/** PayloadHdr + FU header. */
const FU_OVERHEAD = 3;

/**
 * The payloads that carry `payload` in at most `maxSize` bytes each, in order: the payload
 * itself when it fits; a single NAL unit cut into FUs; the NAL units of an aggregation
 * packet, each sent alone or fragmented; an FU cut into smaller FUs (S only on the first,
 * E only on the last). Returns undefined for PACI and reserved types, or when `maxSize`
 * leaves no room.
 */
export function splitH265Payload(payload: Uint8Array, maxSize: number): Uint8Array[] | undefined {
  if (payload.length <= maxSize) return [payload];
  if (maxSize <= FU_OVERHEAD || payload.length < 3) return undefined;
  const type = (payload[0] >> 1) & 0x3f;
  if (type < H265_NAL.AP) return fragmentNal(payload, maxSize);
  if (type === H265_NAL.FU) {
    const fu = payload[2];
    return fragment(
      payload[0],
      payload[1],
      fu & 0x3f,
      payload.subarray(3),
      (fu & 0x80) !== 0,
      (fu & 0x40) !== 0,
      maxSize,
    );
  }
  if (type === H265_NAL.AP) {
    const out: Uint8Array[] = [];
    let at = 2;
    while (at < payload.length) {
      if (at + 2 > payload.length) return undefined;
      const size = (payload[at] << 8) | payload[at + 1];
      const start = at + 2;
      if (size < 2 || start + size > payload.length) return undefined;
      const nal = payload.subarray(start, start + size);
      if (nal.length <= maxSize) out.push(nal);
      else if (nal.length < 3) return undefined;
      else out.push(...fragmentNal(nal, maxSize));
      at = start + size;
    }
    return out.length > 0 ? out : undefined;
  }
  return undefined;
}

/** One whole NAL unit as FUs (its two-byte header travels in the PayloadHdr and FU header). */
function fragmentNal(nal: Uint8Array, maxSize: number): Uint8Array[] {
  const nalType = (nal[0] >> 1) & 0x3f;
  const hdr0 = (nal[0] & 0x81) | (H265_NAL.FU << 1);
  return fragment(hdr0, nal[1], nalType, nal.subarray(2), true, true, maxSize);
}

function fragment(
  hdr0: number,
  hdr1: number,
  nalType: number,
  data: Uint8Array,
  start: boolean,
  end: boolean,
  maxSize: number,
): Uint8Array[] {
  const chunk = maxSize - FU_OVERHEAD;
  const count = Math.max(1, Math.ceil(data.length / chunk));
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const body = data.subarray(i * chunk, Math.min(data.length, (i + 1) * chunk));
    const p = new Uint8Array(FU_OVERHEAD + body.length);
    p[0] = hdr0;
    p[1] = hdr1;
    p[2] = (i === 0 && start ? 0x80 : 0) | (i === count - 1 && end ? 0x40 : 0) | nalType;
    p.set(body, FU_OVERHEAD);
    out.push(p);
  }
  return out;
}
