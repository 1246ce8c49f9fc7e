/**
 * SRTP and SRTCP (RFC 3711) for RTSP's `RTP/SAVP` profile: suite AES_CM_128_HMAC_SHA1_80 keyed by
 * the 30-byte TEK that MIKEY carries. `SrtpContext` is pure crypto; sockets live in transport/.
 *
 * @module
 */
export * from "./key_derivation.ts";
export * from "./profile.ts";
export * from "./replay_window.ts";
export * from "./srtp_context.ts";
export * from "./srtp_error.ts";
