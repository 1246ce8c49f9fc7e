/**
 * Wire formats shared by several protocols (NTP timestamps). Each protocol has its own folder
 * and `mod.ts`: `rtsp/`, `rtp/`, `rtcp/`, `sdp/`, `srtp/`, `mikey/`, `http/`, `websocket/`.
 *
 * @module
 */
export * from "./ntp.ts";
