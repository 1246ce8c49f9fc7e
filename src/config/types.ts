/**
 * The typed configuration the rest of the server reads.
 *
 * Key names are MediaMTX's, so a `mediamtx.yml` written for MediaMTX loads here. Durations are
 * milliseconds. Keys marked "beyond MediaMTX" are our own extensions and are documented as such in
 * the root `mediamtx.yml`.
 */

/** Verbosity of the logger. */
export type LogLevel = "error" | "warn" | "info" | "debug";

/** A transport the RTSP server accepts in SETUP. */
export type RtspTransportName = "udp" | "multicast" | "tcp";

/** Which RTSP servers run: plain only (`no`), both (`optional`) or RTSPS only (`strict`). */
export type RtspEncryption = "no" | "optional" | "strict";

/** One action a user may perform, optionally limited to one path. */
export interface AuthPermission {
  /** What the permission allows. */
  action: "publish" | "read" | "playback" | "api" | "metrics" | "pprof";
  /** `""` = any path, an exact path name, or `~regex`. */
  path: string;
}

/** A user of `authMethod: internal`. */
export interface AuthInternalUser {
  /** Username; `any` means anyone, including anonymous clients. May be `sha256:…` / `argon2:…`. */
  user: string;
  /** Password (empty for `any`). May be `sha256:…` / `argon2:…`. */
  pass: string;
  /** Allowed client IPs or CIDRs; empty = any IP. */
  ips: string[];
  /** What this user may do. */
  permissions: AuthPermission[];
}

/** The settings of one path (`pathDefaults` merged with `paths.<name>`). */
export interface PathConf {
  /** Key as written in the file ("mystream", "~^cam(\\d+)$", "all_others"); `""` for pathDefaults. */
  name: string;
  /** Set for `~…` names and all_others/all (= /^.*$/). */
  regex?: RegExp;
  /** "publisher" | "redirect" | a source URL (see `sourceType()`). */
  source: string;
  /** SHA-256 fingerprint (hex) of the source's TLS certificate, replacing CA validation. */
  sourceFingerprint: string;
  /** Pull the source only while there are readers. */
  sourceOnDemand: boolean;
  /** ms readers wait for an on-demand source to become ready. */
  sourceOnDemandStartTimeout: number;
  /** ms an on-demand source stays open after the last reader leaves. */
  sourceOnDemandCloseAfter: number;
  /** Maximum readers; 0 = unlimited. */
  maxReaders: number;
  /** A new publisher replaces the current one (otherwise it is refused). */
  overridePublisher: boolean;
  /** Where DESCRIBE redirects when nothing is publishing ("/path" or an RTSP URL); "" = none. */
  fallback: string;
  /** Redirect target when `source` is "redirect" ("/path" or an RTSP URL). */
  sourceRedirect: string;
  /** Transport used to pull an RTSP source. */
  rtspTransport: "automatic" | "udp" | "multicast" | "tcp";
  /** Accept source packets from any port (sources that omit or lie about server_port). */
  rtspAnyPort: boolean;
  /** Kind of `Range` header sent in PLAY to the source; "" = none. */
  rtspRangeType: "" | "clock" | "npt" | "smpte";
  /** Start of that range (`20230812T120000Z` for clock, a Go duration for npt/smpte). */
  rtspRangeStart: string;
  /** Local port range for the UDP RTP/RTCP pair used when pulling a source. */
  rtspUDPSourcePortRange: [number, number];
  /** Beyond MediaMTX: late readers start at the last keyframe (default true). */
  gopCache: boolean;
  /** Beyond MediaMTX: ms to wait before reconnecting a failed source (default 5000). */
  sourceRetryPause: number;
  // hooks (commands run on path events; "" = none)
  /** Runs while the path exists (configured, non-regex paths: from startup to shutdown). */
  runOnInit: string;
  /** Restart runOnInit 5 s after it exits. */
  runOnInitRestart: boolean;
  /** Started by the first reader when nobody publishes; expected to publish to the path. */
  runOnDemand: string;
  /** Restart runOnDemand 5 s after it exits. */
  runOnDemandRestart: boolean;
  /** ms readers wait for runOnDemand's publisher. */
  runOnDemandStartTimeout: number;
  /** ms runOnDemand keeps running after the last reader leaves. */
  runOnDemandCloseAfter: number;
  /** Launched when runOnDemand is stopped. */
  runOnUnDemand: string;
  /** Runs while the stream is available (MediaMTX's old name: runOnReady). */
  runOnAvailable: string;
  /** Restart runOnAvailable 5 s after it exits. */
  runOnAvailableRestart: boolean;
  /** Launched when the stream stops being available (old name: runOnNotReady). */
  runOnUnavailable: string;
  /** Runs while the stream is online (here: the same moments as runOnAvailable). */
  runOnOnline: string;
  /** Restart runOnOnline 5 s after it exits. */
  runOnOnlineRestart: boolean;
  /** Launched when the stream goes offline. */
  runOnOffline: string;
  /** Runs while a reader reads (PLAY until PAUSE or the session ends). */
  runOnRead: string;
  /** Restart runOnRead 5 s after it exits. */
  runOnReadRestart: boolean;
  /** Launched when a reader stops reading. */
  runOnUnread: string;
}

/** The whole configuration. */
export interface Config {
  // general
  /** Verbosity. */
  logLevel: LogLevel;
  /** Where logs go: "stdout", "file", "syslog". */
  logDestinations: string[];
  /** Log file used when "file" is a destination. */
  logFile: string;
  /** ms; read deadline for publishers and for pulled sources. */
  readTimeout: number;
  /** ms; deadline of every socket write. */
  writeTimeout: number;
  /** Per-reader outgoing queue size (a power of two). */
  writeQueueSize: number;
  /** Largest UDP payload sent (≤ 1472). */
  udpMaxPayloadSize: number;
  /** SO_RCVBUF of UDP sockets; 0 = OS default. */
  udpReadBufferSize: number;
  // auth
  /** Authentication method. */
  authMethod: "internal" | "http" | "jwt";
  /** Users of the internal method. */
  authInternalUsers: AuthInternalUser[];
  /** URL asked to authorize each request when authMethod is "http". */
  authHTTPAddress: string;
  /** Requests allowed without asking the HTTP authorizer. */
  authHTTPExclude: AuthPermission[];
  /** URL of the JSON Web Key Set when authMethod is "jwt". */
  authJWTJWKS: string;
  /** JWT claim holding the permissions (default `mediamtx_permissions`). */
  authJWTClaimKey: string;
  /** Requests allowed without a JWT. */
  authJWTExclude: AuthPermission[];
  /** Required `iss` of JWTs; "" = not checked. */
  authJWTIssuer: string;
  /** Required `aud` of JWTs; "" = not checked. */
  authJWTAudience: string;
  // RTSP server
  /** Run the RTSP server(s). */
  rtsp: boolean;
  /** Transports accepted in SETUP. */
  rtspTransports: RtspTransportName[];
  /** Which of the plain and RTSPS servers run. */
  rtspEncryption: RtspEncryption;
  /** TCP listener of the plain server. */
  rtspAddress: string;
  /** TCP/TLS listener of the RTSPS server. */
  rtspsAddress: string;
  /** UDP RTP listener of the plain server (even port). */
  rtpAddress: string;
  /** UDP RTCP listener of the plain server (RTP port + 1). */
  rtcpAddress: string;
  /** IPv4 multicast CIDR from which groups are allocated. */
  multicastIPRange: string;
  /** RTP port of multicast groups (plain server). */
  multicastRTPPort: number;
  /** RTCP port of multicast groups (plain server). */
  multicastRTCPPort: number;
  /** UDP SRTP listener of the RTSPS server. */
  srtpAddress: string;
  /** UDP SRTCP listener of the RTSPS server. */
  srtcpAddress: string;
  /** SRTP port of multicast groups (RTSPS server). */
  multicastSRTPPort: number;
  /** SRTCP port of multicast groups (RTSPS server). */
  multicastSRTCPPort: number;
  /** TLS key file of the RTSPS server. */
  rtspServerKey: string;
  /** TLS certificate file of the RTSPS server. */
  rtspServerCert: string;
  /** Authentication schemes offered in WWW-Authenticate. */
  rtspAuthMethods: ("basic" | "digest")[];
  // beyond MediaMTX
  /** TTL of multicast packets, 1..255 (default 16). */
  multicastTTL: number;
  /** Interface for multicast (IPv4 address or name); "" = routing table. */
  multicastInterface: string;
  /** ms of inactivity before a session is closed (default 60000); Session header advertises −5 s. */
  rtspSessionTimeout: number;
  /** Threads sending the UDP fan-out's large batches, 1..8 (default 1: the main thread only). */
  rtspUDPSendThreads: number;
  /** ms the fan-out holds packets so they leave together (default 1; 0 = end of the event-loop turn). */
  rtspFanOutHold: number;
  // hooks
  /** Command run while a client connection is open ("" = none). */
  runOnConnect: string;
  /** Restart runOnConnect 5 s after it exits. */
  runOnConnectRestart: boolean;
  /** Command launched when a client connection closes. */
  runOnDisconnect: string;
  // control API (MediaMTX's /v3 API)
  /** Run the control API listener. */
  api: boolean;
  /** Listener of the control API (`host:port`, or `unix:///path`). */
  apiAddress: string;
  /** Serve the control API over HTTPS with apiServerKey / apiServerCert. */
  apiEncryption: boolean;
  /** TLS key file of the control API. */
  apiServerKey: string;
  /** TLS certificate file of the control API. */
  apiServerCert: string;
  /** Origins allowed by CORS (`*` = any; `*` inside a host is a wildcard). */
  apiAllowOrigins: string[];
  /** Proxies (IPs or CIDRs) whose `X-Forwarded-For` gives the client IP. */
  apiTrustedProxies: string[];
  /** Serve the browser player (page and `/player.js`) on the RTSP and RTSPS ports (default true). */
  rtspPlayer: boolean;
  // metrics (MediaMTX's Prometheus endpoint)
  /** Serve `GET /metrics` (default false). */
  metrics: boolean;
  /** Listener of the metrics server (default `:9998`). */
  metricsAddress: string;
  /** HTTPS on the metrics listener, with metricsServerKey/metricsServerCert (default false). */
  metricsEncryption: boolean;
  /** TLS key file of the metrics listener. */
  metricsServerKey: string;
  /** TLS certificate file of the metrics listener. */
  metricsServerCert: string;
  /** Origins allowed by CORS (`*` = any; default `["*"]`). */
  metricsAllowOrigins: string[];
  /** Proxies whose `X-Forwarded-For` gives the client IP (IPs or CIDRs; default none). */
  metricsTrustedProxies: string[];
  /** Settings every path starts from. */
  pathDefaults: PathConf;
  /** Configured paths, in file order. */
  paths: PathConf[];
}
