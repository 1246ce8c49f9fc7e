/**
 * WebSocket (RFC 6455) frames, messages and the opening handshake, for the ONVIF
 * `rtsp.onvif.org` tunnel (pure codecs, no I/O).
 *
 * @module
 */
export * from "./frame.ts";
export * from "./message.ts";
export * from "./handshake.ts";
