/**
 * MediaMTX settings this server does not implement (other protocols, API, metrics, recording,
 * hooks, …). A MediaMTX config that contains them still loads: each one is reported once as a
 * warning and otherwise ignored. Keys that are neither ours nor in these lists are errors.
 */

/** Families of MediaMTX keys, matched by prefix, so keys added by newer MediaMTX versions load too. */
export const FOREIGN_GLOBAL_PREFIXES: readonly string[] = [
  "api",
  "metrics",
  "pprof",
  "playback",
  "rtmp",
  "hls",
  "webrtc",
  "record",
  "runOn",
];

/** Global MediaMTX keys this server ignores (besides the prefix families). */
export const FOREIGN_GLOBAL_KEYS: ReadonlySet<string> = new Set([
  // general
  "logStructured",
  "sysLogPrefix",
  "dumpPackets",
  // authentication
  "authHTTPFingerprint",
  "authJWTJWKSFingerprint",
  "authJWTInHTTPQuery",
  // control API, metrics, pprof, playback
  "api",
  "apiAddress",
  "apiEncryption",
  "apiServerKey",
  "apiServerCert",
  "apiAllowOrigin",
  "apiAllowOrigins",
  "apiTrustedProxies",
  "metrics",
  "metricsAddress",
  "metricsEncryption",
  "metricsServerKey",
  "metricsServerCert",
  "metricsAllowOrigin",
  "metricsAllowOrigins",
  "metricsTrustedProxies",
  "pprof",
  "pprofAddress",
  "pprofEncryption",
  "pprofServerKey",
  "pprofServerCert",
  "pprofAllowOrigin",
  "pprofAllowOrigins",
  "pprofTrustedProxies",
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
  // SRT server
  "srt",
  "srtAddress",
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
];

/** Per-path MediaMTX keys this server ignores (besides the prefix families). */
export const FOREIGN_PATH_KEYS: ReadonlySet<string> = new Set([
  "srtReadPassphrase",
  "srtPublishPassphrase",
  "useAbsoluteTimestamp",
  "alwaysAvailable",
  "alwaysAvailableTracks",
  "alwaysAvailableFile",
  "rtspDemuxMpegts",
  "rtspScale",
  "rtspUDPReadBufferSize",
  "rtpSDP",
  "rtpUDPReadBufferSize",
  "mpegtsUDPReadBufferSize",
  "forward",
  "playback",
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
  "runOnRecordSegmentCreate",
  "runOnRecordSegmentComplete",
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
// or be followed by an upper-case letter (camelCase word boundary).
function hasFamilyPrefix(key: string, prefix: string): boolean {
  if (!key.startsWith(prefix)) return false;
  const next = key.charAt(prefix.length);
  return next === "" || (next >= "A" && next <= "Z");
}
