/** Default values, equal to MediaMTX's (as MediaMTX v1.20.1's mediamtx.yml) plus our extensions. */

import type { AuthInternalUser, Config, PathConf } from "./types.ts";

/** The regex of `all_others` (and its legacy name `all`): every path. */
const ALL_OTHERS_REGEX_SOURCE = "^.*$";

/** The path settings every path starts from; `name` is "" (the pathDefaults section). */
export function defaultPathConf(): PathConf {
  return {
    name: "",
    source: "publisher",
    sourceFingerprint: "",
    sourceOnDemand: false,
    sourceOnDemandStartTimeout: 10_000,
    sourceOnDemandCloseAfter: 10_000,
    maxReaders: 0,
    overridePublisher: true,
    fallback: "",
    sourceRedirect: "",
    rtspTransport: "automatic",
    rtspAnyPort: false,
    rtspRangeType: "",
    rtspRangeStart: "",
    rtspUDPSourcePortRange: [32768, 60999],
    gopCache: true,
    sourceRetryPause: 5_000,
    runOnInit: "",
    runOnInitRestart: false,
    runOnDemand: "",
    runOnDemandRestart: false,
    runOnDemandStartTimeout: 10_000,
    runOnDemandCloseAfter: 10_000,
    runOnUnDemand: "",
    runOnAvailable: "",
    runOnAvailableRestart: false,
    runOnUnavailable: "",
    runOnOnline: "",
    runOnOnlineRestart: false,
    runOnOffline: "",
    runOnRead: "",
    runOnReadRestart: false,
    runOnUnread: "",
  };
}

/** MediaMTX's default users: anyone may publish, read and play back; API/metrics/pprof from localhost. */
export function defaultAuthInternalUsers(): AuthInternalUser[] {
  return [
    {
      user: "any",
      pass: "",
      ips: [],
      permissions: [
        { action: "publish", path: "" },
        { action: "read", path: "" },
        { action: "playback", path: "" },
      ],
    },
    {
      user: "any",
      pass: "",
      ips: ["127.0.0.1", "::1"],
      permissions: [
        { action: "api", path: "" },
        { action: "metrics", path: "" },
        { action: "pprof", path: "" },
      ],
    },
  ];
}

/**
 * The global defaults with no paths (what a config file without a `paths` key yields, as in
 * MediaMTX: every request then gets 400).
 */
export function defaultGlobalConfig(): Config {
  return {
    logLevel: "info",
    logDestinations: ["stdout"],
    logFile: "mediamtx.log",
    readTimeout: 10_000,
    writeTimeout: 10_000,
    writeQueueSize: 512,
    udpMaxPayloadSize: 1452,
    udpReadBufferSize: 0,
    authMethod: "internal",
    authInternalUsers: defaultAuthInternalUsers(),
    authHTTPAddress: "",
    authHTTPExclude: [],
    authJWTJWKS: "",
    authJWTClaimKey: "mediamtx_permissions",
    authJWTExclude: [],
    authJWTIssuer: "",
    authJWTAudience: "",
    rtsp: true,
    rtspTransports: ["udp", "multicast", "tcp"],
    rtspEncryption: "no",
    rtspAddress: ":8554",
    rtspsAddress: ":8322",
    rtpAddress: ":8000",
    rtcpAddress: ":8001",
    multicastIPRange: "224.1.0.0/16",
    multicastRTPPort: 8002,
    multicastRTCPPort: 8003,
    srtpAddress: ":8004",
    srtcpAddress: ":8005",
    multicastSRTPPort: 8006,
    multicastSRTCPPort: 8007,
    rtspServerKey: "server.key",
    rtspServerCert: "server.crt",
    rtspAuthMethods: ["basic"],
    multicastTTL: 16,
    multicastInterface: "",
    rtspSessionTimeout: 60_000,
    rtspUDPSendThreads: 1,
    rtspFanOutHold: 1,
    runOnConnect: "",
    runOnConnectRestart: false,
    runOnDisconnect: "",
    rtspPlayer: true,
    api: false,
    apiAddress: ":9997",
    apiEncryption: false,
    apiServerKey: "server.key",
    apiServerCert: "server.crt",
    apiAllowOrigins: ["*"],
    apiTrustedProxies: [],
    metrics: false,
    metricsAddress: ":9998",
    metricsEncryption: false,
    metricsServerKey: "server.key",
    metricsServerCert: "server.crt",
    metricsAllowOrigins: ["*"],
    metricsTrustedProxies: [],
    pathDefaults: defaultPathConf(),
    paths: [],
  };
}

/** A path entry `name:` with nothing under it: the path defaults under that name. */
function namedPathConf(name: string, base: PathConf = defaultPathConf()): PathConf {
  const conf: PathConf = { ...base, rtspUDPSourcePortRange: [...base.rtspUDPSourcePortRange], name };
  delete conf.regex;
  if (name === "all_others" || name === "all") conf.regex = new RegExp(ALL_OTHERS_REGEX_SOURCE);
  else if (name.startsWith("~")) conf.regex = new RegExp(name.slice(1));
  return conf;
}

/**
 * The configuration used when no file is found: the global defaults plus `all_others`, so anyone
 * can publish and read any path (like MediaMTX's shipped mediamtx.yml).
 */
export function defaultConfig(): Config {
  const config = defaultGlobalConfig();
  config.paths = [namedPathConf("all_others")];
  return config;
}
