/**
 * Splits H.264 RTP payloads (RFC 6184) that are too large for a datagram into FU-A
 * fragmentation units (§5.8), for readers behind a smaller MTU than the publisher's.
 *
 * FU-A layout: FU indicator (F and NRI of the NAL unit, Type 28), FU header, fragment:
 *
 * ```
 * +---------------+---------------+
 * |F|NRI|  Type   |S|E|R|  Type   |
 * +---------------+---------------+
 * ```
 *
 * @module
 */
import { H264_NAL } from "./h264.ts";

/** FU indicator + FU header. */
const FU_A_OVERHEAD = 2;

/**
 * The payloads that carry `payload` in at most `maxSize` bytes each, in order: the payload
 * itself when it fits; a single NAL unit cut into FU-A fragments; the NAL units of a STAP-A,
 * each sent alone or fragmented; an FU-A fragment cut into smaller FU-A fragments (S only on
 * the first, E only on the last). Returns undefined for what cannot be split this way
 * (STAP-B, MTAP, FU-B, reserved types: interleaved mode), or when `maxSize` leaves no room.
 */
export function splitH264Payload(payload: Uint8Array, maxSize: number): Uint8Array[] | undefined {
  if (payload.length <= maxSize) return [payload];
  if (maxSize <= FU_A_OVERHEAD) return undefined;
  const type = payload[0] & 0x1f;
  if (type >= 1 && type <= 23) return fragmentNal(payload, maxSize);
  if (type === H264_NAL.FU_A) {
    if (payload.length < 3) return undefined;
    const s = payload[1] & 0x80;
    const e = payload[1] & 0x40;
    return fragment(payload[0], payload[1] & 0x1f, payload.subarray(2), s !== 0, e !== 0, maxSize);
  }
  if (type === H264_NAL.STAP_A) {
    const out: Uint8Array[] = [];
    let at = 1;
    while (at < payload.length) {
      if (at + 2 > payload.length) return undefined;
      const size = (payload[at] << 8) | payload[at + 1];
      const start = at + 2;
      if (size === 0 || start + size > payload.length) return undefined;
      const nal = payload.subarray(start, start + size);
      if (nal.length <= maxSize) out.push(nal);
      else out.push(...fragmentNal(nal, maxSize));
      at = start + size;
    }
    return out.length > 0 ? out : undefined;
  }
  return undefined;
}

/** One whole NAL unit as FU-A fragments (its header byte travels in the indicator and FU header). */
function fragmentNal(nal: Uint8Array, maxSize: number): Uint8Array[] {
  const indicator = (nal[0] & 0xe0) | H264_NAL.FU_A;
  return fragment(indicator, nal[0] & 0x1f, nal.subarray(1), true, true, maxSize);
}

function fragment(
  indicator: number,
  nalType: number,
  data: Uint8Array,
  start: boolean,
  end: boolean,
  maxSize: number,
): Uint8Array[] {
  const chunk = maxSize - FU_A_OVERHEAD;
  const count = Math.max(1, Math.ceil(data.length / chunk));
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const body = data.subarray(i * chunk, Math.min(data.length, (i + 1) * chunk));
    const p = new Uint8Array(FU_A_OVERHEAD + body.length);
    p[0] = indicator;
    p[1] = (i === 0 && start ? 0x80 : 0) | (i === count - 1 && end ? 0x40 : 0) | nalType;
    p.set(body, FU_A_OVERHEAD);
    out.push(p);
  }
  return out;
}
