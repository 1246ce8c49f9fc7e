/**
 * SDP (RFC 8866): a lenient parser for what cameras send, a formatter, media format
 * helpers (rtpmap, fmtp, clock rate, codec) and the server's DESCRIBE answer.
 *
 * @module
 */

export * from "./session_description.ts";
export * from "./parse.ts";
export * from "./format.ts";
export * from "./media_format.ts";
export * from "./describe_sdp.ts";
