/**
 * RTP codecs (RFC 3550 §5): the packet header, reception statistics and the H.264 /
 * H.265 payload inspection needed to find keyframes and parameter sets, and the splitting
 * of oversized H.264 / H.265 packets for readers with a smaller datagram limit.
 *
 * @module
 */

export * from "./packet.ts";
export * from "./h264.ts";
export * from "./h265.ts";
export * from "./receiver_stats.ts";
export * from "./h264_fragmenter.ts";
export * from "./h265_fragmenter.ts";
export * from "./packet_split.ts";
