/** H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1): the fields a status page shows. */
import { BitReader, nalRbsp } from "./bit_reader.ts";

/** Picture size and profile/level of a stream. */
export interface VideoParams {
  width: number;
  height: number;
  profileIdc: number;
  levelIdc: number;
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Parses an SPS NAL unit (with its header byte). Throws RangeError/SyntaxError on bad input. */
export function parseH264Sps(nal: Uint8Array): VideoParams {
  if (nal.length < 4 || (nal[0] & 0x1f) !== 7) throw new SyntaxError("Cannot parse H.264 SPS: not an SPS");
  const r = new BitReader(nalRbsp(nal, 1));
  const profileIdc = r.bits(8);
  r.skip(8); // constraint flags
  const levelIdc = r.bits(8);
  r.ue(); // seq_parameter_set_id
  let chroma = 1;
  if (HIGH_PROFILES.has(profileIdc)) {
    chroma = r.ue();
    if (chroma === 3) r.skip(1); // separate_colour_plane_flag
    r.ue(); // bit_depth_luma_minus8
    r.ue(); // bit_depth_chroma_minus8
    r.skip(1); // qpprime_y_zero_transform_bypass_flag
    if (r.bit() === 1) {
      for (let i = 0; i < (chroma === 3 ? 12 : 8); i++) {
        if (r.bit() === 1) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
  }
  r.ue(); // log2_max_frame_num_minus4
  const pocType = r.ue();
  if (pocType === 0) r.ue();
  else if (pocType === 1) {
    r.skip(1);
    r.se();
    r.se();
    const n = r.ue();
    for (let i = 0; i < n; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.skip(1); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.bit();
  if (frameMbsOnly === 0) r.skip(1);
  r.skip(1); // direct_8x8_inference_flag
  let crop = [0, 0, 0, 0];
  if (r.bit() === 1) crop = [r.ue(), r.ue(), r.ue(), r.ue()];
  const cropX = chroma === 1 || chroma === 2 ? 2 : 1;
  const cropY = (chroma === 1 ? 2 : 1) * (2 - frameMbsOnly);
  return {
    width: widthMbs * 16 - cropX * (crop[0] + crop[1]),
    height: (2 - frameMbsOnly) * heightMapUnits * 16 - cropY * (crop[2] + crop[3]),
    profileIdc,
    levelIdc,
  };
}

function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** The profile's name as MediaMTX prints it (`High`), or its number. */
export function h264ProfileName(idc: number): string {
  const names: Record<number, string> = {
    66: "Baseline",
    77: "Main",
    88: "Extended",
    100: "High",
    110: "High 10",
    122: "High 4:2:2",
    244: "High 4:4:4 Predictive",
  };
  return names[idc] ?? String(idc);
}

/** `level_idc` 31 → `3.1`, 40 → `4`. */
export function h264LevelName(idc: number): string {
  const major = Math.floor(idc / 10);
  const minor = idc % 10;
  return minor === 0 ? String(major) : `${major}.${minor}`;
}
