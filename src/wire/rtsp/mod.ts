/**
 * The RTSP wire layer: messages, framing, formatting, URLs, request targets and header codecs.
 * Pure code: no I/O, no timers.
 *
 * @module
 */
export * from "./headers.ts";
export * from "./message.ts";
export * from "./rtsp_error.ts";
export * from "./framer.ts";
export * from "./format.ts";
export * from "./url.ts";
export * from "./request_target.ts";
export * from "./headers/mod.ts";
export * from "./digest.ts";
