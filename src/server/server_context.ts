import type { Logger } from "../log/mod.ts";
import type { Authenticator } from "../auth/mod.ts";
import type { UdpPair } from "../transport/mod.ts";
import type { WriteScheduler } from "../transport/mod.ts";
import type { PathManagerPort, ReaderHandle } from "./stream_port.ts";
import type { ServerSession } from "./server_session.ts";
import type { MulticastOptions, MulticastSender } from "./multicast_sender.ts";
import type { PlayerAssets } from "../transport/mod.ts";
import type { Clock } from "../time/mod.ts";

/** Transports a server may offer, with MediaMTX's names (`rtspTransports`). */
export type ServerTransport = "udp" | "multicast" | "tcp";

/** Plain options of an RTSP server; the server never sees the whole Config. */
export interface RtspServerOptions {
  /** `RTSP` or `RTSPS`: the log tag and the session kind. */
  label: "RTSP" | "RTSPS";
  hostname: string;
  port: number;
  /** Shared UDP pair (rtpAddress/rtcpAddress); omitted when UDP is not offered. */
  /**
   * `gso` (default true) and `threads` (default 1) tune the UDP fan-out (see UdpBatchSender);
   * how long packets are held to leave together is the streams' (rtspFanOutHold).
   */
  udp?: {
    hostname: string;
    rtpPort: number;
    rtcpPort: number;
    gso?: boolean;
    threads?: number;
  };
  transports: readonly ServerTransport[];
  /** Authentication of DESCRIBE, ANNOUNCE and a reader's first SETUP; none when omitted. */
  auth?: Authenticator;
  /** TLS certificate and key: the server is RTSPS. */
  tls?: { certFile: string; keyFile: string };
  /** Multicast groups for readers; omitted when multicast is not offered. */
  multicast?: MulticastOptions;
  /** readTimeout: RECORD-over-TCP deadline and UDP publisher packet timeout. */
  readTimeoutMs: number;
  /** writeTimeout: deadline of every socket write. */
  writeTimeoutMs: number;
  /** writeQueueSize: per-reader queue bound, in packets. */
  writeQueueSize: number;
  /** Idle timeout of connections and UDP reader sessions (MediaMTX: 60 s). */
  sessionTimeoutMs: number;
  /** Sender report interval to readers and receiver report interval to UDP publishers. */
  rtcpReportIntervalMs?: number;
  pathManager: PathManagerPort;
  log: Logger;
  /**
   * Called when a client connection opens (runOnConnect); the returned function is called when it
   * closes (runOnDisconnect).
   */
  onConnOpen?: (conn: { type: "rtspConn" | "rtspsConn"; id: string; log: Logger }) => () => void;
  /** The browser player served to plain GETs (`rtspPlayer`); such GETs get 400 when omitted. */
  player?: PlayerAssets;
  /** Pause before answering a request with wrong credentials; 2000 ms by default (MediaMTX). */
  authFailureDelayMs?: number;
  /** Time for timeouts, keepalives and report intervals; the system clock when omitted. */
  clock?: Clock;
  /** Limits on connections that have no session yet (see ServerLimits); defaults when omitted. */
  limits?: Partial<ServerLimits>;
}

/**
 * Bounds on connections that carry no session yet, against slowloris and floods. Our extension:
 * MediaMTX has none of these (only readTimeout).
 */
export interface ServerLimits {
  /** Time a connection without a session gets to complete one request (head and body), in ms. */
  requestTimeoutMs: number;
  /** Connections without a session from one IP; more are closed at once. */
  maxPendingPerIp: number;
  /** Connections without a session overall; more are closed at once. */
  maxPending: number;
}

/** What connections and sessions share: the server's state, seen from inside. */
export interface ServerContext {
  readonly options: RtspServerOptions;
  readonly log: Logger;
  readonly clock: Clock;
  /** Sender/receiver report period: the option, else 10 s (gortsplib's default). */
  readonly rtcpReportIntervalMs: number;
  readonly udp: UdpPair | undefined;
  readonly sessions: Map<string, ServerSession>;
  /** Whether SRTP (RTP/SAVP) can be offered. */
  readonly srtp: boolean;
  /** Where connections' writers merge a burst of packets into one write (absent: write at once). */
  readonly writeScheduler?: WriteScheduler;
  /** Whether a transport is enabled in `rtspTransports` (and, for multicast, configured). */
  allows(t: ServerTransport): boolean;
  /** The multicast sender of the reader's stream, opened on first use (throws RtspError 503 when the range is exhausted). */
  multicastSenderFor(reader: ReaderHandle): Promise<MulticastSender>;
  /** The address DESCRIBE puts in `c=` for `?vlcmulticast`. */
  multicastAddressFor(fanOut: object): string | undefined;
}
