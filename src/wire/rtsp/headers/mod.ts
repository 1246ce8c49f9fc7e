/**
 * RTSP header codecs, one header per file, as `parseX` / `formatX` pairs.
 *
 * @module
 */
export * from "./authenticate.ts";
export * from "./authorization.ts";
export * from "./keymgmt.ts";
export * from "./range.ts";
export * from "./rtp_info.ts";
export * from "./session.ts";
export * from "./transport.ts";
