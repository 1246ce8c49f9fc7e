/**
 * Video parameter sets: picture size, profile and level from H.264 and H.265 SPS NAL units.
 *
 * @module
 */
export * from "./bit_reader.ts";
export * from "./h264_sps.ts";
export * from "./h265_sps.ts";
