/**
 * MINIMAL VERSION, written with the metrics endpoint so it can run before the control API lands:
 * the live `StatusSource` over a running App, filled with what is easy to read (paths, their
 * publisher and readers, conns and sessions with their state, path and address). Traffic counters
 * are 0 here except `outboundRTPPacketsDiscarded`. The control API work brings the full version of
 * this file (real per-session counters); at merge that one replaces this one.
 */

import type { PathManager } from "../core/path_manager.ts";
import type { RtspServer } from "../server/rtsp_server.ts";
import type { ServerSession } from "../server/server_session.ts";
import { formatNetAddr } from "../transport/byte_stream.ts";
import { sourceType } from "../config/mod.ts";
import type { ApiEntityRef, ApiPath, ApiRtspConn, ApiRtspSession, StatusSource } from "./status_types.ts";

/** What the status is read from (the App provides both). */
export interface LiveStatusTarget {
  readonly pathManager: PathManager;
  readonly servers: readonly RtspServer[];
}

/** Builds the live status of `app`; every call reads the current state. */
export function liveStatus(app: LiveStatusTarget): StatusSource {
  // Creation times, noted the first time an object is seen (the minimal version keeps no more).
  const created = new WeakMap<object, string>();
  const createdOf = (o: object): string => {
    let t = created.get(o);
    if (t === undefined) {
      t = new Date().toISOString();
      created.set(o, t);
    }
    return t;
  };
  const serverOf = (secure: boolean) =>
    app.servers.find((s) => s.options.label === (secure ? "RTSPS" : "RTSP"));
  const allSessions = () =>
    app.servers.flatMap((s) =>
      [...s.sessions.values()].map((session) => ({ session, secure: s.options.label === "RTSPS" }))
    );

  return {
    paths(): ApiPath[] {
      const sessions = allSessions();
      return [...app.pathManager.paths.values()]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((p): ApiPath => {
          const stream = p.stream;
          const ready = stream !== undefined;
          const readyTime = stream !== undefined ? createdOf(stream) : null;
          const ref = (x: { session: ServerSession; secure: boolean }): ApiEntityRef => ({
            type: x.secure ? "rtspsSession" : "rtspSession",
            id: x.session.uuid,
          });
          const publisher = sessions.find((x) =>
            x.session.path === p.name && x.session.publisher !== undefined
          );
          const kind = sourceType(p.conf.source);
          const source = publisher !== undefined
            ? ref(publisher)
            : kind === "rtsp" && ready
            ? { type: "rtspSource", id: "" }
            : null;
          const readers = sessions
            .filter((x) => x.session.path === p.name && x.session.reader !== undefined)
            .map(ref)
            .sort((a, b) => a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
          return {
            name: p.name,
            confName: p.conf.name,
            source,
            ready,
            readyTime,
            available: ready,
            availableTime: readyTime,
            online: ready,
            onlineTime: readyTime,
            tracks: [],
            tracks2: [],
            inboundBytes: 0,
            outboundBytes: 0,
            inboundFramesInError: 0,
            bytesReceived: 0,
            bytesSent: 0,
            readers,
          };
        });
    },

    rtspConns(secure: boolean): ApiRtspConn[] | undefined {
      const server = serverOf(secure);
      if (server === undefined) return undefined;
      return [...server.conns].map((c) => ({
        id: c.uuid,
        created: createdOf(c),
        remoteAddr: formatNetAddr(c.remote),
        session: [...c.sessions][0]?.uuid ?? null,
        tunnel: c.stream.kind === "http" ? "http" : c.stream.kind === "websocket" ? "websocket" : "none",
        inboundBytes: 0,
        outboundBytes: 0,
        bytesReceived: 0,
        bytesSent: 0,
      }));
    },

    rtspSessions(secure: boolean): ApiRtspSession[] | undefined {
      const server = serverOf(secure);
      if (server === undefined) return undefined;
      return [...server.sessions.values()].map((s) => {
        const conn = [...s.conns][0];
        const discarded = s.droppedPackets;
        return {
          id: s.uuid,
          created: createdOf(s),
          remoteAddr: conn === undefined ? s.remoteHost : formatNetAddr(conn.remote),
          state: s.state === "play" ? "read" : s.state === "record" ? "publish" : "idle",
          path: s.path ?? "",
          query: s.query,
          user: "",
          userAgent: "",
          transport: s.transport === undefined
            ? null
            : s.transport === "multicast"
            ? "UDP-multicast"
            : s.transport === "tcp"
            ? "TCP"
            : "UDP",
          profile: s.transport === undefined ? null : s.secure ? "SAVP" : "AVP",
          conns: [...s.conns].flatMap((c) => ("uuid" in c && typeof c.uuid === "string" ? [c.uuid] : [])),
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
          outboundRTPPacketsDiscarded: discarded,
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
        };
      });
    },
  };
}
