/** A fake StatusSource made of plain lists, and builders of API objects with zero counters. */
import type { ApiPath, ApiRtspConn, ApiRtspSession, StatusSource } from "../../../src/api/status_types.ts";

export function fakeStatus(
  s: {
    paths?: ApiPath[];
    conns?: ApiRtspConn[];
    sessions?: ApiRtspSession[];
    secureConns?: ApiRtspConn[];
    secureSessions?: ApiRtspSession[];
  },
): StatusSource {
  return {
    paths: () => s.paths ?? [],
    rtspConns: (secure) => secure ? s.secureConns : s.conns,
    rtspSessions: (secure) => secure ? s.secureSessions : s.sessions,
  };
}

export function apiPath(name: string, over: Partial<ApiPath> = {}): ApiPath {
  return {
    name,
    confName: name,
    source: null,
    ready: false,
    readyTime: null,
    available: false,
    availableTime: null,
    online: false,
    onlineTime: null,
    tracks: [],
    tracks2: [],
    inboundBytes: 0,
    outboundBytes: 0,
    inboundFramesInError: 0,
    bytesReceived: 0,
    bytesSent: 0,
    readers: [],
    ...over,
  };
}

export function apiConn(id: string, over: Partial<ApiRtspConn> = {}): ApiRtspConn {
  return {
    id,
    created: "2026-12-04T05:00:00Z",
    remoteAddr: "127.0.0.1:40000",
    session: null,
    tunnel: "none",
    inboundBytes: 0,
    outboundBytes: 0,
    bytesReceived: 0,
    bytesSent: 0,
    ...over,
  };
}

export function apiSession(id: string, over: Partial<ApiRtspSession> = {}): ApiRtspSession {
  return {
    id,
    created: "2026-12-04T05:00:00Z",
    remoteAddr: "127.0.0.1:40000",
    state: "idle",
    path: "",
    query: "",
    user: "",
    userAgent: "",
    transport: null,
    profile: null,
    conns: [],
    inboundBytes: 0,
    inboundRTPPackets: 0,
    inboundRTPPacketsLost: 0,
    inboundRTPPacketsInError: 0,
    inboundRTPPacketsJitter: 0,
    inboundRTCPPackets: 0,
    inboundRTCPPacketsInError: 0,
    outboundBytes: 0,
    outboundRTPPackets: 0,
    outboundRTPPacketsReportedLost: 0,
    outboundRTPPacketsDiscarded: 0,
    outboundRTCPPackets: 0,
    bytesReceived: 0,
    bytesSent: 0,
    rtpPacketsReceived: 0,
    rtpPacketsSent: 0,
    rtpPacketsLost: 0,
    rtpPacketsInError: 0,
    rtpPacketsJitter: 0,
    rtcpPacketsReceived: 0,
    rtcpPacketsSent: 0,
    rtcpPacketsInError: 0,
    ...over,
  };
}
