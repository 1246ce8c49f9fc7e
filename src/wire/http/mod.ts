/**
 * HTTP/1.1 request and response heads, and the base64 stream of the RTSP-over-HTTP tunnel
 * (pure codecs, no I/O).
 *
 * @module
 */
export * from "./base64_stream.ts";
export * from "./request_head.ts";
export * from "./response_head.ts";
