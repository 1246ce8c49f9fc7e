/**
 * H.265 RTP depacketiser (RFC 7798, without DONL): single NAL unit packets, aggregation packets
 * (§4.4.2) and fragmentation units (§4.4.3) into access units; VPS/SPS/PPS from the `sprop-vps`,
 * `sprop-sps`, `sprop-pps` fmtp values and in band, put in front of keyframes that lack them.
 *
 * @module
 */
import { forEachH265Nal, H265_NAL } from "../wire/rtp/h265.ts";
import { base64Bytes, NalDepacketizer } from "./nal_depacketizer.ts";

const nalType = (nalu: Uint8Array) => (nalu[0] >> 1) & 0x3f;

/** Assembles H.265 access units from RTP packets. */
export class H265Depacketizer extends NalDepacketizer {
  vps: Uint8Array | undefined;
  sps: Uint8Array | undefined;
  pps: Uint8Array | undefined;

  /** The fmtp `sprop-vps`, `sprop-sps` and `sprop-pps` values (base64, comma-separated). */
  constructor(sprop?: { vps?: string; sps?: string; pps?: string }) {
    super();
    for (const value of [sprop?.vps, sprop?.sps, sprop?.pps]) {
      for (const part of (value ?? "").split(",")) {
        const nalu = part === "" ? undefined : base64Bytes(part);
        if (nalu !== undefined && nalu.length > 2) this.observe(nalu);
      }
    }
  }

  /** The WebCodecs codec string (`hvc1.…`) from the SPS, once one is known. */
  codec(): string | undefined {
    return this.sps === undefined ? undefined : h265Codec(this.sps);
  }

  protected unpack(payload: Uint8Array): void {
    if (payload.length < 3) return this.markDamaged();
    const type = nalType(payload);
    if (type === H265_NAL.FU) {
      const fu = payload[2];
      if ((fu & 0x80) !== 0) {
        const header = Uint8Array.of((payload[0] & 0x81) | ((fu & 0x3f) << 1), payload[1]);
        this.startFragment(header, payload.subarray(3));
        if ((fu & 0x40) !== 0) this.continueFragment(new Uint8Array(0), true);
      } else {
        this.continueFragment(payload.subarray(3), (fu & 0x40) !== 0);
      }
      return;
    }
    if (type === H265_NAL.AP) {
      forEachH265Nal(payload, (nal) => this.addNalu(nal));
      return;
    }
    if (type === H265_NAL.PACI) return this.markDamaged();
    this.addNalu(payload);
  }

  protected isRandomAccess(nalu: Uint8Array): boolean {
    const t = nalType(nalu);
    return t >= H265_NAL.BLA_W_LP && t <= 23; // IRAP pictures (H.265 §7.4.2.2)
  }

  protected observe(nalu: Uint8Array): void {
    const t = nalType(nalu);
    if (t === H265_NAL.VPS) this.vps = nalu;
    if (t === H265_NAL.SPS) this.sps = nalu;
    if (t === H265_NAL.PPS) this.pps = nalu;
  }

  protected withParameterSets(nalus: Uint8Array[]): Uint8Array[] {
    const has = (t: number) => nalus.some((n) => nalType(n) === t);
    const front: Uint8Array[] = [];
    if (!has(H265_NAL.VPS) && this.vps !== undefined) front.push(this.vps);
    if (!has(H265_NAL.SPS) && this.sps !== undefined) front.push(this.sps);
    if (!has(H265_NAL.PPS) && this.pps !== undefined) front.push(this.pps);
    return front.length === 0 ? nalus : [...front, ...nalus];
  }
}

/**
 * `hvc1.<space><profile>.<compat>.<tier><level>.<constraints>` (ISO/IEC 14496-15 Annex E) from
 * the SPS's profile_tier_level, read after removing emulation prevention bytes.
 */
export function h265Codec(sps: Uint8Array): string | undefined {
  const rbsp: number[] = [];
  let zeros = 0;
  for (let i = 2; i < sps.length && rbsp.length < 16; i++) {
    const b = sps[i];
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    zeros = b === 0 ? zeros + 1 : 0;
    rbsp.push(b);
  }
  if (rbsp.length < 13) return undefined;
  // rbsp[0]: vps id(4) max_sub_layers(3) nesting(1); rbsp[1]: space(2) tier(1) profile(5).
  const space = rbsp[1] >> 6;
  const tier = (rbsp[1] >> 5) & 1;
  const profile = rbsp[1] & 0x1f;
  const compat = ((rbsp[2] << 24) | (rbsp[3] << 16) | (rbsp[4] << 8) | rbsp[5]) >>> 0;
  let reversed = 0;
  for (let i = 0; i < 32; i++) if ((compat >>> i) & 1) reversed |= 1 << (31 - i);
  const constraints = rbsp.slice(6, 12);
  while (constraints.length > 1 && constraints[constraints.length - 1] === 0) constraints.pop();
  const level = rbsp[12];
  return [
    `hvc1.${["", "A", "B", "C"][space]}${profile}`,
    (reversed >>> 0).toString(16).toUpperCase(),
    `${tier ? "H" : "L"}${level}`,
    ...constraints.map((b) => b.toString(16).toUpperCase()),
  ].join(".");
}
