/**
 * H.264 RTP depacketiser (RFC 6184, non-interleaved mode): single NAL unit packets, STAP-A
 * (§5.7.1) and FU-A (§5.8) into access units; SPS/PPS from `sprop-parameter-sets` and in band,
 * put in front of keyframes that lack them (a decoder joining mid-stream needs them).
 *
 * @module
 */
import { forEachH264Nal, H264_NAL } from "../wire/rtp/h264.ts";
import { base64Bytes, NalDepacketizer } from "./nal_depacketizer.ts";

/** Assembles H.264 access units from RTP packets. */
export class H264Depacketizer extends NalDepacketizer {
  sps: Uint8Array | undefined;
  pps: Uint8Array | undefined;

  /** `spropParameterSets`: the fmtp value, comma-separated base64 NAL units. */
  constructor(spropParameterSets?: string) {
    super();
    for (const part of (spropParameterSets ?? "").split(",")) {
      const nalu = part === "" ? undefined : base64Bytes(part);
      if (nalu !== undefined && nalu.length > 0) this.observe(nalu);
    }
  }

  /** The WebCodecs codec string (`avc1.PPCCLL`) from the SPS, once one is known. */
  codec(): string | undefined {
    return this.sps === undefined ? undefined : h264Codec(this.sps);
  }

  protected unpack(payload: Uint8Array): void {
    if (payload.length === 0) return;
    const type = payload[0] & 0x1f;
    if (type === H264_NAL.FU_A) {
      if (payload.length < 2) return this.markDamaged();
      const fu = payload[1];
      if ((fu & 0x80) !== 0) {
        this.startFragment(Uint8Array.of((payload[0] & 0xe0) | (fu & 0x1f)), payload.subarray(2));
        if ((fu & 0x40) !== 0) this.continueFragment(new Uint8Array(0), true);
      } else {
        this.continueFragment(payload.subarray(2), (fu & 0x40) !== 0);
      }
      return;
    }
    if (type === H264_NAL.STAP_A) {
      forEachH264Nal(payload, (nal) => this.addNalu(nal));
      return;
    }
    if (type >= 1 && type <= 23) return this.addNalu(payload);
    // STAP-B, MTAP and FU-B belong to the interleaved mode, which no SETUP here asks for.
    this.markDamaged();
  }

  protected isRandomAccess(nalu: Uint8Array): boolean {
    return (nalu[0] & 0x1f) === H264_NAL.IDR;
  }

  protected observe(nalu: Uint8Array): void {
    const type = nalu[0] & 0x1f;
    if (type === H264_NAL.SPS) this.sps = nalu;
    if (type === H264_NAL.PPS) this.pps = nalu;
  }

  protected withParameterSets(nalus: Uint8Array[]): Uint8Array[] {
    const has = (t: number) => nalus.some((n) => (n[0] & 0x1f) === t);
    const front: Uint8Array[] = [];
    if (!has(H264_NAL.SPS) && this.sps !== undefined) front.push(this.sps);
    if (!has(H264_NAL.PPS) && this.pps !== undefined) front.push(this.pps);
    return front.length === 0 ? nalus : [...front, ...nalus];
  }
}

/** `avc1.PPCCLL`: profile_idc, constraint flags and level_idc, the SPS bytes after its header. */
export function h264Codec(sps: Uint8Array): string | undefined {
  if (sps.length < 4) return undefined;
  const hex = (b: number) => b.toString(16).padStart(2, "0").toUpperCase();
  return `avc1.${hex(sps[1])}${hex(sps[2])}${hex(sps[3])}`;
}
