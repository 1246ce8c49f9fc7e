/** H.265 sequence parameter set (ITU-T H.265 §7.3.2.2): the fields a status page shows. */
import { BitReader, nalRbsp } from "./bit_reader.ts";
import type { VideoParams } from "./h264_sps.ts";

/** Parses an SPS NAL unit (with its two header bytes). Throws RangeError/SyntaxError on bad input. */
export function parseH265Sps(nal: Uint8Array): VideoParams {
  if (nal.length < 4 || ((nal[0] >> 1) & 0x3f) !== 33) {
    throw new SyntaxError("Cannot parse H.265 SPS: not an SPS");
  }
  const r = new BitReader(nalRbsp(nal, 2));
  r.skip(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.bits(3);
  r.skip(1); // sps_temporal_id_nesting_flag
  // profile_tier_level(1, maxSubLayersMinus1) (§7.3.3)
  r.skip(3); // general_profile_space, general_tier_flag
  const profileIdc = r.bits(5);
  r.skip(32 + 48); // compatibility flags, constraint flags
  const levelIdc = r.bits(8);
  const subProfile: number[] = [];
  const subLevel: number[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    subProfile.push(r.bit());
    subLevel.push(r.bit());
  }
  if (maxSubLayersMinus1 > 0) { for (let i = maxSubLayersMinus1; i < 8; i++) r.skip(2); }
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (subProfile[i] === 1) r.skip(88);
    if (subLevel[i] === 1) r.skip(8);
  }
  r.ue(); // sps_seq_parameter_set_id
  const chroma = r.ue();
  if (chroma === 3) r.skip(1);
  let width = r.ue();
  let height = r.ue();
  if (r.bit() === 1) {
    const [left, right, top, bottom] = [r.ue(), r.ue(), r.ue(), r.ue()];
    const subW = chroma === 1 || chroma === 2 ? 2 : 1;
    const subH = chroma === 1 ? 2 : 1;
    width -= subW * (left + right);
    height -= subH * (top + bottom);
  }
  return { width, height, profileIdc, levelIdc };
}

/** The profile's name (`Main`, `Main 10`, `Main Still Picture`), or its number. */
export function h265ProfileName(idc: number): string {
  const names: Record<number, string> = { 1: "Main", 2: "Main 10", 3: "Main Still Picture" };
  return names[idc] ?? String(idc);
}

/** `general_level_idc` (30 × level) 93 → `3.1`, 120 → `4`. */
export function h265LevelName(idc: number): string {
  const major = Math.floor(idc / 30);
  const minor = Math.round((idc % 30) / 3);
  return minor === 0 ? String(major) : `${major}.${minor}`;
}
