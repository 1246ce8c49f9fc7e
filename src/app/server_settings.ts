/**
 * What each component is built from, as plain data derived from the Config. A hot reload restarts
 * a component only when its settings differ (see config_diff.ts).
 */

import type { Config } from "../config/mod.ts";
import { parseListenAddress } from "../config/mod.ts";

/** Everything an RTSP or RTSPS server is built from (besides shared objects: paths, auth, log). */
export interface RtspServerSettings {
  label: "RTSP" | "RTSPS";
  hostname: string;
  port: number;
  tls?: { certFile: string; keyFile: string };
  udp: { hostname: string; rtpPort: number; rtcpPort: number; threads: number };
  transports: Config["rtspTransports"];
  multicast?: {
    ipRange: string;
    rtpPort: number;
    rtcpPort: number;
    ttl: number;
    interfaceAddress: string;
  };
  readTimeoutMs: number;
  writeTimeoutMs: number;
  writeQueueSize: number;
  sessionTimeoutMs: number;
  player: boolean;
  runOnConnect: string;
  runOnConnectRestart: boolean;
  runOnDisconnect: string;
}

/** Settings of the plain (`RTSP`) or TLS (`RTSPS`) server; undefined when the config does not run it. */
export function rtspServerSettings(c: Config, label: "RTSP" | "RTSPS"): RtspServerSettings | undefined {
  const secure = label === "RTSPS";
  if (!c.rtsp || (secure ? c.rtspEncryption === "no" : c.rtspEncryption === "strict")) return undefined;
  const listen = parseListenAddress(secure ? c.rtspsAddress : c.rtspAddress);
  const rtp = parseListenAddress(secure ? c.srtpAddress : c.rtpAddress);
  const rtcp = parseListenAddress(secure ? c.srtcpAddress : c.rtcpAddress);
  return {
    label,
    hostname: listen.hostname,
    port: listen.port,
    tls: secure ? { certFile: c.rtspServerCert, keyFile: c.rtspServerKey } : undefined,
    udp: { hostname: rtp.hostname, rtpPort: rtp.port, rtcpPort: rtcp.port, threads: c.rtspUDPSendThreads },
    transports: [...c.rtspTransports],
    multicast: c.rtspTransports.includes("multicast")
      ? {
        ipRange: c.multicastIPRange,
        rtpPort: secure ? c.multicastSRTPPort : c.multicastRTPPort,
        rtcpPort: secure ? c.multicastSRTCPPort : c.multicastRTCPPort,
        ttl: c.multicastTTL,
        interfaceAddress: c.multicastInterface,
      }
      : undefined,
    readTimeoutMs: c.readTimeout,
    writeTimeoutMs: c.writeTimeout,
    writeQueueSize: c.writeQueueSize,
    sessionTimeoutMs: c.rtspSessionTimeout,
    player: c.rtspPlayer,
    runOnConnect: c.runOnConnect,
    runOnConnectRestart: c.runOnConnectRestart,
    runOnDisconnect: c.runOnDisconnect,
  };
}

/** What the path manager is built from: a change closes and recreates every path. */
export interface PathManagerSettings {
  /** readTimeout, for pulled sources. */
  readTimeoutMs: number;
  /** udpMaxPayloadSize, less the SRTP tag when RTSPS runs. */
  udpMaxPacketSize: number;
  /** RTSP_PORT of every hook. */
  rtspPort: number;
  /** rtspFanOutHold, for every stream. */
  fanOutHoldMs: number;
}

/** The path manager's settings. */
export function pathManagerSettings(c: Config): PathManagerSettings {
  return {
    readTimeoutMs: c.readTimeout,
    // MediaMTX: RTP packets above udpMaxPayloadSize (10 bytes less with encryption) are split.
    udpMaxPacketSize: c.udpMaxPayloadSize - (c.rtspEncryption !== "no" ? 10 : 0),
    rtspPort: c.rtspAddress === "" ? 0 : parseListenAddress(c.rtspAddress).port,
    fanOutHoldMs: c.rtspFanOutHold,
  };
}

/** What the authenticator is built from: a change swaps it live. */
export function authSettings(c: Config): unknown {
  const common = { method: c.authMethod, rtspAuthMethods: c.rtspAuthMethods };
  switch (c.authMethod) {
    case "internal":
      return { ...common, users: c.authInternalUsers };
    case "http":
      return { ...common, address: c.authHTTPAddress, exclude: c.authHTTPExclude, timeout: c.readTimeout };
    case "jwt":
      return {
        ...common,
        jwks: c.authJWTJWKS,
        claimKey: c.authJWTClaimKey,
        exclude: c.authJWTExclude,
        issuer: c.authJWTIssuer,
        audience: c.authJWTAudience,
        timeout: c.readTimeout,
      };
  }
}
