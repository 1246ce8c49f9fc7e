/**
 * MediaMTX settings this server does not implement (other protocols, API, metrics, recording,
 * hooks, MoQ, …), in one place. A MediaMTX config that contains them still loads: each one is
 * reported once as a warning and otherwise ignored. Keys that are neither ours nor listed here
 * (by name or by family prefix) are errors.
 *
 * The lists name every global and per-path key of MediaMTX v1.20.1 (its `api/openapi.yaml`
 * `GlobalConf` and `PathConf` schemas), plus the deprecated names older releases (v1.0 on, and
 * rtsp-simple-server) still accept. A key that is ours (schema.ts) wins over this list, so a
 * feature implemented later only has to add its key there.
 */

/** Families of global MediaMTX keys, matched by prefix, so keys added by newer MediaMTX versions load too. */
export const FOREIGN_GLOBAL_PREFIXES: readonly string[] = [
  "api",
  "metrics",
  "pprof",
  "playback",
  "rtmp",
  "hls",
  "webrtc",
  "srt",
  "srtla",
  "moq",
  "record",
  "runOn",
  "authHTTP",
  "authJWT",
];

/** Global MediaMTX keys this server ignores (the prefix families cover later additions too). */
export const FOREIGN_GLOBAL_KEYS: ReadonlySet<string> = new Set([
  // general
  "logStructured",
  "sysLogPrefix",
  "dumpPackets",
  // authentication
  "runOnConnect",
  "runOnConnectRestart",
  "runOnDisconnect",
  // authentication (HTTP and JWT methods)
  "authHTTPFingerprint",
  "authJWTJWKSFingerprint",
  "authJWTInHTTPQuery",
  // control API, metrics, pprof, playback
  "authJWTIssuer",
  "authJWTAudience",
  // control API
  // pprof
  "pprof",
  "pprofAddress",
  "pprofEncryption",
  "pprofServerKey",
  "pprofServerCert",
  "pprofAllowOrigin",
  "pprofAllowOrigins",
  "pprofTrustedProxies",
  // playback server
  "playback",
  "playbackAddress",
  "playbackEncryption",
  "playbackServerKey",
  "playbackServerCert",
  "playbackAllowOrigin",
  "playbackAllowOrigins",
  "playbackTrustedProxies",
  // RTSP features not implemented here
  "rtspTrustedProxies",
  // RTMP server
  "rtmp",
  "rtmpDisable",
  "rtmpEncryption",
  "rtmpAddress",
  "rtmpsAddress",
  "rtmpServerKey",
  "rtmpServerCert",
  "rtmpTrustedProxies",
  // HLS server
  "hls",
  "hlsDisable",
  "hlsAddress",
  "hlsEncryption",
  "hlsServerKey",
  "hlsServerCert",
  "hlsAllowOrigin",
  "hlsAllowOrigins",
  "hlsTrustedProxies",
  "hlsAlwaysRemux",
  "hlsVariant",
  "hlsSegmentCount",
  "hlsSegmentDuration",
  "hlsPartDuration",
  "hlsSegmentMaxSize",
  "hlsDirectory",
  "hlsMuxerCloseAfter",
  "hlsCDNSecret",
  // WebRTC server
  "webrtc",
  "webrtcDisable",
  "webrtcAddress",
  "webrtcEncryption",
  "webrtcServerKey",
  "webrtcServerCert",
  "webrtcAllowOrigin",
  "webrtcAllowOrigins",
  "webrtcTrustedProxies",
  "webrtcLocalUDPAddress",
  "webrtcLocalTCPAddress",
  "webrtcIPsFromInterfaces",
  "webrtcIPsFromInterfacesList",
  "webrtcIPsFromInterfacesExcludeList",
  "webrtcAdditionalHosts",
  "webrtcICEServers",
  "webrtcICEServers2",
  "webrtcICEInterfaces",
  "webrtcICEHostNAT1To1IPs",
  "webrtcICEUDPMuxAddress",
  "webrtcICETCPMuxAddress",
  "webrtcSTUNGatherTimeout",
  "webrtcHandshakeTimeout",
  "webrtcTrackGatherTimeout",
  // SRT and SRTLA servers
  "srt",
  "srtDisable",
  "srtAddress",
  "srtla",
  "srtlaAddress",
  // MoQ server (MediaMTX v1.19.0 and later)
  "moq",
  "moqHTTP2Address",
  "moqHTTP3Address",
  "moqHTTPS2Address",
  "moqHTTPS3Address",
  "moqQUICAddress",
  "moqServerKey",
  "moqServerCert",
  "moqAllowOrigins",
  "moqTrustedProxies",
  // recording (deprecated globals, moved to pathDefaults by MediaMTX)
  "record",
  "recordPath",
  "recordFormat",
  "recordPartDuration",
  "recordSegmentDuration",
  "recordDeleteAfter",
]);

/** Families of per-path MediaMTX keys, matched by prefix. */
export const FOREIGN_PATH_PREFIXES: readonly string[] = [
  "rpiCamera",
  "runOn",
  "record",
  "whep",
  "alwaysAvailable",
  "srt",
  "moq",
  "rtp",
  "mpegts",
];

/** Per-path MediaMTX keys this server ignores (the prefix families cover later additions too). */
export const FOREIGN_PATH_KEYS: ReadonlySet<string> = new Set([
  // general
  "useAbsoluteTimestamp",
  "forward",
  "playback",
  // always available
  "alwaysAvailable",
  "alwaysAvailableTracks",
  "alwaysAvailableFile",
  "alwaysAvailableRecorded",
  // SRT
  "srtReadPassphrase",
  "srtPublishPassphrase",
  // RTSP features not implemented here
  "rtspDemuxMpegts",
  "rtspScale",
  "rtspUDPReadBufferSize",
  // RTP, MPEG-TS, MoQ and WHEP sources
  "rtpSDP",
  "rtpUDPReadBufferSize",
  "mpegtsUDPReadBufferSize",
  "moqTransport",
  "whepBearerToken",
  "whepSTUNGatherTimeout",
  "whepHandshakeTimeout",
  "whepTrackGatherTimeout",
  // recording
  "record",
  "recordPath",
  "recordFormat",
  "recordPartDuration",
  "recordMaxPartSize",
  "recordSegmentDuration",
  "recordDeleteAfter",
  "whepBearerToken",
  "whepSTUNGatherTimeout",
  "whepHandshakeTimeout",
  "whepTrackGatherTimeout",
  // hooks (runOnPublish* is the rtsp-simple-server name of runOnReady*)
  "runOnInit",
  "runOnInitRestart",
  "runOnDemand",
  "runOnDemandRestart",
  "runOnDemandStartTimeout",
  "runOnDemandCloseAfter",
  "runOnUnDemand",
  "runOnReady",
  "runOnReadyRestart",
  "runOnNotReady",
  "runOnPublish",
  "runOnPublishRestart",
  "runOnAvailable",
  "runOnAvailableRestart",
  "runOnAvailableStdin",
  "runOnAvailableStdinRestart",
  "runOnUnavailable",
  "runOnOnline",
  "runOnOnlineRestart",
  "runOnOffline",
  "runOnRead",
  "runOnReadRestart",
  "runOnUnread",
  "runOnRecordSegmentCreate",
  "runOnRecordSegmentComplete",
  // Raspberry Pi camera source (the family prefix covers every rpiCamera* key)
  "rpiCameraCamID",
  "rpiCameraWidth",
  "rpiCameraHeight",
]);

/** Whether `key` is a global MediaMTX setting this server ignores. */
export function isForeignGlobalKey(key: string): boolean {
  return FOREIGN_GLOBAL_KEYS.has(key) || FOREIGN_GLOBAL_PREFIXES.some((p) => hasFamilyPrefix(key, p));
}

/** Whether `key` is a per-path MediaMTX setting this server ignores. */
export function isForeignPathKey(key: string): boolean {
  return FOREIGN_PATH_KEYS.has(key) || FOREIGN_PATH_PREFIXES.some((p) => hasFamilyPrefix(key, p));
}

// "hlsFoo" belongs to the "hls" family, "hlsx" or "hl" do not: the prefix must be the whole key
// or be followed by an upper-case letter (camelCase word boundary). So "srtpAddress" (ours) is
// not in the "srt" family, and "srtlaAddress" has a family of its own.
function hasFamilyPrefix(key: string, prefix: string): boolean {
  if (!key.startsWith(prefix)) return false;
  const next = key.charAt(prefix.length);
  return next === "" || (next >= "A" && next <= "Z");
}
