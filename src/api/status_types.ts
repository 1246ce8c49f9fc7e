/**
 * The runtime status of the server in MediaMTX's v3 API shapes (`Path`, `RTSPConn`, `RTSPSession`).
 * The control API serves these objects as JSON and the metrics endpoint prints them as Prometheus
 * text, so both surfaces always agree. Times are RFC 3339 strings; ids are lowercase UUIDs.
 */

/** `{type, id}` of a path's source or of one of its readers (`rtspSession`, `rtspsSession`, `rtspSource`, …). */
export interface ApiEntityRef {
  type: string;
  id: string;
}

/** One track of a path as MediaMTX's `tracks2` lists it. */
export interface ApiTrack {
  codec: string;
  codecProps: Record<string, unknown> | null;
}

/** MediaMTX's `Path` schema, deprecated twins included. */
export interface ApiPath {
  name: string;
  confName: string;
  source: ApiEntityRef | null;
  ready: boolean;
  readyTime: string | null;
  available: boolean;
  availableTime: string | null;
  online: boolean;
  onlineTime: string | null;
  tracks: string[];
  tracks2: ApiTrack[];
  inboundBytes: number;
  outboundBytes: number;
  inboundFramesInError: number;
  bytesReceived: number;
  bytesSent: number;
  readers: ApiEntityRef[];
}

/** MediaMTX's `RTSPConn` schema. */
export interface ApiRtspConn {
  id: string;
  created: string;
  remoteAddr: string;
  session: string | null;
  tunnel: "none" | "http" | "websocket";
  inboundBytes: number;
  outboundBytes: number;
  bytesReceived: number;
  bytesSent: number;
}

/** MediaMTX's `RTSPSession` schema, deprecated twins included. */
export interface ApiRtspSession {
  id: string;
  created: string;
  remoteAddr: string;
  state: "idle" | "read" | "publish";
  path: string;
  query: string;
  user: string;
  userAgent: string;
  transport: "UDP" | "UDP-multicast" | "TCP" | null;
  profile: "AVP" | "SAVP" | null;
  conns: string[];
  inboundBytes: number;
  inboundRTPPackets: number;
  inboundRTPPacketsLost: number;
  inboundRTPPacketsInError: number;
  inboundRTPPacketsJitter: number;
  inboundRTCPPackets: number;
  inboundRTCPPacketsInError: number;
  outboundBytes: number;
  outboundRTPPackets: number;
  outboundRTPPacketsReportedLost: number;
  outboundRTPPacketsDiscarded: number;
  outboundRTCPPackets: number;
  bytesReceived: number;
  bytesSent: number;
  rtpPacketsReceived: number;
  rtpPacketsSent: number;
  rtpPacketsLost: number;
  rtpPacketsInError: number;
  rtpPacketsJitter: number;
  rtcpPacketsReceived: number;
  rtcpPacketsSent: number;
  rtcpPacketsInError: number;
}

/**
 * Where the API and the metrics read the live state from. Lists are ordered as MediaMTX orders them
 * (paths by name; conns and sessions by creation, oldest first). A listener that is not running
 * (`rtsp: no`, or the plain one under `rtspEncryption: strict`, or RTSPS under `no`) gives `undefined`.
 */
export interface StatusSource {
  paths(): ApiPath[];
  rtspConns(secure: boolean): ApiRtspConn[] | undefined;
  rtspSessions(secure: boolean): ApiRtspSession[] | undefined;
}
