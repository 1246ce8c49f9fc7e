/**
 * Logging in MediaMTX's format (`INF [RTSP] [conn 127.0.0.1:5123] opened`), with secrets redacted.
 *
 * @module
 */
export * from "./logger.ts";
