/**
 * The StatusSource of a running server: MediaMTX's `Path`, `RTSPConn` and `RTSPSession` objects
 * read from the path manager and the RTSP servers' connections and sessions when asked (nothing
 * is computed on the packet paths beyond the counters themselves).
 */
import type { Config } from "../config/mod.ts";
import { sourceType } from "../config/mod.ts";
import type { Path } from "../core/mod.ts";
import type { RtspServer } from "../server/mod.ts";
import type { ServerConn } from "../server/mod.ts";
import type { ServerSession } from "../server/mod.ts";
import type { ApiEntityRef, ApiPath, ApiRtspConn, ApiRtspSession, StatusSource } from "./status_types.ts";
import { formatGoTime } from "./time_format.ts";
import { apiTracks } from "./track_info.ts";

/** What the status is read from (the App's live objects). */
export interface LiveStatusParts {
  config(): Config;
  paths(): ReadonlyMap<string, Path>;
  servers(): readonly RtspServer[];
}

/** A StatusSource over the live objects of `parts`. */
export function liveStatus(parts: LiveStatusParts): StatusSource {
  const server = (secure: boolean) => parts.servers().find((s) => (s.options.label === "RTSPS") === secure);
  return {
    paths: () => listPaths(parts.config(), parts.paths()),
    rtspConns: (secure) => {
      const s = server(secure);
      return s === undefined
        ? undefined
        : [...s.conns].sort((a, b) => a.createdMs - b.createdMs).map(apiConn);
    },
    rtspSessions: (secure) => {
      const s = server(secure);
      return s === undefined
        ? undefined
        : [...s.sessions.values()].sort((a, b) => a.createdMs - b.createdMs).map(apiSession);
    },
  };
}

function listPaths(config: Config, live: ReadonlyMap<string, Path>): ApiPath[] {
  const out = [...live.values()].map(apiPath);
  // Configured (non-regex) paths always exist in MediaMTX, even while nobody uses them.
  for (const conf of config.paths) {
    if (conf.regex !== undefined || live.has(conf.name)) continue;
    out.push(emptyPath(conf.name, conf.name, configuredSource(conf.source)));
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function configuredSource(source: string): ApiEntityRef | null {
  if (source === "redirect") return { type: "redirect", id: "" };
  if (sourceType(source) === "rtsp") {
    return { type: /^rtsps/i.test(source) ? "rtspsSource" : "rtspSource", id: "" };
  }
  return null;
}

function emptyPath(name: string, confName: string, source: ApiEntityRef | null): ApiPath {
  return {
    name,
    confName,
    source,
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
  };
}

function apiPath(p: Path): ApiPath {
  const item = emptyPath(p.name, p.conf.name, p.sourceEntity ?? configuredSource(p.conf.source));
  item.readers = p.readerEntities().sort((a, b) =>
    a.type < b.type ? -1 : a.type > b.type ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  );
  const since = p.availableSinceMs;
  const stream = p.stream;
  if (since === undefined || stream === undefined) return item;
  const time = formatGoTime(since);
  item.ready = item.available = item.online = true;
  item.readyTime = item.availableTime = item.onlineTime = time;
  item.tracks2 = apiTracks(stream.medias.map((m) => m.media));
  item.tracks = item.tracks2.map((t) => t.codec);
  item.inboundBytes = item.bytesReceived = stream.inboundBytes;
  item.outboundBytes = item.bytesSent = stream.outboundBytes;
  return item;
}

function apiConn(c: ServerConn): ApiRtspConn {
  const session = c.tcpSession ?? c.pendingSession ?? c.sessions.values().next().value;
  const kind = c.stream.kind;
  const outBytes = c.writer.bytesAccepted;
  return {
    id: c.uuid,
    created: formatGoTime(c.createdMs),
    remoteAddr: hostPort(c.remote.hostname, c.remote.port),
    session: session?.uuid ?? null,
    tunnel: kind === "http" || kind === "websocket" ? kind : "none",
    inboundBytes: c.bytesIn,
    outboundBytes: outBytes,
    bytesReceived: c.bytesIn,
    bytesSent: outBytes,
  };
}

function apiSession(s: ServerSession): ApiRtspSession {
  const c = s.counters;
  let lost = 0;
  let jitter = 0;
  let receivers = 0;
  let sent = 0;
  for (const m of s.medias.values()) {
    sent += m.sentPackets;
    if (m.receiver === undefined) continue;
    lost += Math.max(0, m.receiver.packetsExpected - m.receiver.packetsReceived);
    jitter += m.receiver.jitterEstimate;
    receivers++;
  }
  if (receivers > 0) jitter /= receivers;
  const inError = s.rtpErrors.total + c.inRtpUndecryptable;
  const reportedLost = c.outRtpReportedLost;
  return {
    id: s.uuid,
    created: formatGoTime(s.createdMs),
    remoteAddr: hostPort(s.remote.hostname, s.remote.port),
    state: s.state === "play" ? "read" : s.state === "record" ? "publish" : "idle",
    path: s.path ?? "",
    query: s.query,
    user: s.user,
    userAgent: s.userAgent,
    transport: s.transport === undefined
      ? null
      : s.transport === "udp"
      ? "UDP"
      : s.transport === "multicast"
      ? "UDP-multicast"
      : "TCP",
    profile: s.transport === undefined ? null : s.secure ? "SAVP" : "AVP",
    conns: [...s.conns].map((conn) => (conn as Partial<ServerConn>).uuid).filter((id) => id !== undefined),
    inboundBytes: c.inBytes,
    inboundRTPPackets: c.inRtpPackets,
    inboundRTPPacketsLost: lost,
    inboundRTPPacketsInError: inError,
    inboundRTPPacketsJitter: jitter,
    inboundRTCPPackets: c.inRtcpPackets,
    inboundRTCPPacketsInError: c.inRtcpErrors,
    outboundBytes: c.outBytes,
    outboundRTPPackets: sent,
    outboundRTPPacketsReportedLost: reportedLost,
    outboundRTPPacketsDiscarded: s.droppedPackets,
    outboundRTCPPackets: c.outRtcpPackets,
    bytesReceived: c.inBytes,
    bytesSent: c.outBytes,
    rtpPacketsReceived: c.inRtpPackets,
    rtpPacketsSent: sent,
    rtpPacketsLost: lost,
    rtpPacketsInError: inError,
    rtpPacketsJitter: jitter,
    rtcpPacketsReceived: c.inRtcpPackets,
    rtcpPacketsSent: c.outRtcpPackets,
    rtcpPacketsInError: c.inRtcpErrors,
  };
}

/** `ip:port`, with brackets around IPv6 addresses (Go's net.JoinHostPort). */
function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
