/**
 * RTP codecs (RFC 3550 §5): the packet header, reception statistics and the H.264 /
 * H.265 payload inspection needed to find keyframes and parameter sets.
 *
 * @module
 */

export * from "./packet.ts";
export * from "./h264.ts";
export * from "./h265.ts";
export * from "./receiver_stats.ts";
