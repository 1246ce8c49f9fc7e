/** Every key this server reads: its decoder, and the deprecated MediaMTX names that map to it. */

import { parseListenAddress } from "./address.ts";
import { authInternalUsersValue, ipListValue, permissionListValue } from "./auth_users.ts";
import { fromEnv } from "./raw.ts";
import {
  booleanValue,
  type Decoder,
  durationValue,
  enumValue,
  fail,
  integerValue,
  listValue,
  portValue,
  refine,
  show,
  stringValue,
} from "./decode.ts";
import { isIPv4, parseIPv4Cidr } from "./ip.ts";
import type { Config, PathConf, RtspEncryption } from "./types.ts";

/** Global keys (everything but the two path sections). */
export type GlobalKey = Exclude<keyof Config, "pathDefaults" | "paths">;
/** Per-path keys (everything but the name and its regex). */
export type PathKey = Exclude<keyof PathConf, "name" | "regex">;

/** An address in `host:port` form; "" is allowed here and rejected later where the listener is needed. */
const addressValue: Decoder<string> = refine(stringValue, (text) => {
  if (text !== "") parseListenAddress(text);
  return text;
});

/** An HTTP listener address: `host:port`, or `unix:///path/to/socket` as MediaMTX accepts for its HTTP servers. */
const httpAddressValue: Decoder<string> = refine(stringValue, (text) => {
  if (text.startsWith("unix://")) {
    if (text.length === "unix://".length) throw new Error("missing socket path after unix://");
    return text;
  }
  if (text !== "") parseListenAddress(text);
  return text;
});

/** `no`/`optional`/`strict`, plus booleans as MediaMTX accepts them: yes/true -> strict, no/false -> no. */
const encryptionValue: Decoder<RtspEncryption> = (node, key) => {
  if (node.kind === "scalar" && typeof node.value === "boolean") return node.value ? "strict" : "no";
  const word = stringValue(node, key).toLowerCase();
  if (word === "no" || word === "false") return "no";
  if (word === "yes" || word === "true" || word === "strict") return "strict";
  if (word === "optional") return "optional";
  return fail(node, key, `${show(node)} is not one of no, optional, strict`);
};

const multicastRangeValue: Decoder<string> = refine(stringValue, (text) => {
  if (text === "") return text; // rejected later if multicast is enabled
  const cidr = parseIPv4Cidr(text);
  // 224.0.0.0/4 is the IPv4 multicast block.
  if (cidr.prefix < 4 || cidr.network >>> 28 !== 0xe) {
    throw new Error(`${JSON.stringify(text)} is not inside the IPv4 multicast block 224.0.0.0/4`);
  }
  return text;
});

const interfaceValue: Decoder<string> = refine(stringValue, (text) => {
  if (text !== "" && !isIPv4(text) && !/^[A-Za-z0-9_.:@-]{1,64}$/.test(text)) {
    throw new Error(`${JSON.stringify(text)} is neither an IPv4 address nor an interface name`);
  }
  return text;
});

const powerOfTwoValue: Decoder<number> = refine(integerValue(1, 2 ** 30), (n) => {
  if ((n & (n - 1)) !== 0) throw new Error(`must be a power of two, got ${n}`);
  return n;
});

const fingerprintValue: Decoder<string> = refine(stringValue, (text) => {
  if (text !== "" && !/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new Error("must be a SHA-256 fingerprint: 64 hex digits, without colons");
  }
  return text;
});

const portRangeValue: Decoder<[number, number]> = (node, key) => {
  const ports = listValue(portValue)(node, key);
  if (ports.length !== 2) fail(node, key, `expected two ports [first, last], got ${ports.length} values`);
  const [first, last] = ports;
  // The range must hold an RTP/RTCP pair: an even port and the odd one after it.
  const firstEven = first % 2 === 0 ? first : first + 1;
  if (firstEven + 1 > last) fail(node, key, `[${first}, ${last}] holds no even/odd port pair`);
  return [first, last];
};

/**
 * A list of CORS origins. A single string is one origin: the deprecated `*AllowOrigin` keys
 * (MediaMTX) hold one value and map here.
 */
function originListValue(): Decoder<string[]> {
  const list = listValue(stringValue);
  return (node, key) => node.kind === "scalar" && !fromEnv(node) ? [stringValue(node, key)] : list(node, key);
}

/** Decoders of the global keys. */
export const GLOBAL_DECODERS: { [K in GlobalKey]: Decoder<Config[K]> } = {
  logLevel: enumValue(["error", "warn", "info", "debug"] as const),
  logDestinations: listValue(enumValue(["stdout", "file", "syslog"]), { unique: true }),
  logFile: stringValue,
  readTimeout: durationValue(0, true),
  writeTimeout: durationValue(0, true),
  writeQueueSize: powerOfTwoValue,
  // Small enough for one Ethernet frame; large enough for the RTP (+SRTP) header and some payload.
  udpMaxPayloadSize: integerValue(64, 1472),
  udpReadBufferSize: integerValue(0, 2 ** 31 - 1),
  authMethod: enumValue(["internal", "http", "jwt"] as const),
  authInternalUsers: authInternalUsersValue,
  authHTTPAddress: stringValue,
  authHTTPExclude: permissionListValue,
  authJWTJWKS: stringValue,
  authJWTClaimKey: refine(stringValue, (text) => {
    if (text === "") throw new Error("must not be empty");
    return text;
  }),
  authJWTExclude: permissionListValue,
  authJWTIssuer: stringValue,
  authJWTAudience: stringValue,
  rtsp: booleanValue,
  rtspTransports: listValue(enumValue(["udp", "multicast", "tcp"] as const), {
    nonEmpty: true,
    unique: true,
  }),
  rtspEncryption: encryptionValue,
  rtspAddress: addressValue,
  rtspsAddress: addressValue,
  rtpAddress: addressValue,
  rtcpAddress: addressValue,
  multicastIPRange: multicastRangeValue,
  multicastRTPPort: portValue,
  multicastRTCPPort: portValue,
  srtpAddress: addressValue,
  srtcpAddress: addressValue,
  multicastSRTPPort: portValue,
  multicastSRTCPPort: portValue,
  rtspServerKey: stringValue,
  rtspServerCert: stringValue,
  rtspAuthMethods: listValue(enumValue(["basic", "digest"] as const), { nonEmpty: true, unique: true }),
  multicastTTL: integerValue(1, 255),
  multicastInterface: interfaceValue,
  // The Session header advertises the timeout minus 5 s, which must stay positive.
  rtspSessionTimeout: durationValue(5_000, true),
  rtspUDPSendThreads: integerValue(1, 8),
  // Every packet waits up to this long: more than a few ms would be latency for nothing.
  rtspFanOutHold: durationValue(0, false, 20),
  runOnConnect: stringValue,
  runOnConnectRestart: booleanValue,
  runOnDisconnect: stringValue,
  rtspPlayer: booleanValue,
  api: booleanValue,
  apiAddress: httpAddressValue,
  apiEncryption: booleanValue,
  apiServerKey: stringValue,
  apiServerCert: stringValue,
  apiAllowOrigins: originListValue(),
  apiTrustedProxies: ipListValue,
  metrics: booleanValue,
  metricsAddress: addressValue,
  metricsEncryption: booleanValue,
  metricsServerKey: stringValue,
  metricsServerCert: stringValue,
  metricsAllowOrigins: originListValue(),
  metricsTrustedProxies: ipListValue,
};

/** Decoders of the per-path keys. */
export const PATH_DECODERS: { [K in PathKey]: Decoder<PathConf[K]> } = {
  source: refine(stringValue, (s) => s.trim()),
  sourceFingerprint: fingerprintValue,
  sourceOnDemand: booleanValue,
  sourceOnDemandStartTimeout: durationValue(0, true),
  sourceOnDemandCloseAfter: durationValue(0),
  maxReaders: integerValue(0, 2 ** 31 - 1),
  overridePublisher: booleanValue,
  fallback: stringValue,
  sourceRedirect: stringValue,
  rtspTransport: enumValue(["automatic", "udp", "multicast", "tcp"] as const),
  rtspAnyPort: booleanValue,
  rtspRangeType: enumValue(["", "clock", "npt", "smpte"] as const),
  rtspRangeStart: stringValue,
  rtspUDPSourcePortRange: portRangeValue,
  gopCache: booleanValue,
  sourceRetryPause: durationValue(0, true),
  runOnInit: stringValue,
  runOnInitRestart: booleanValue,
  runOnDemand: stringValue,
  runOnDemandRestart: booleanValue,
  runOnDemandStartTimeout: durationValue(0, true),
  runOnDemandCloseAfter: durationValue(0),
  runOnUnDemand: stringValue,
  runOnAvailable: stringValue,
  runOnAvailableRestart: booleanValue,
  runOnUnavailable: stringValue,
  runOnOnline: stringValue,
  runOnOnlineRestart: booleanValue,
  runOnOffline: stringValue,
  runOnRead: stringValue,
  runOnReadRestart: booleanValue,
  runOnUnread: stringValue,
};

/** A deprecated MediaMTX name for one of our keys. */
export interface Alias {
  /** The key it stands for. */
  canonical: string;
  /** The old key meant the opposite (rtspDisable, disablePublisherOverride). */
  invert?: boolean;
}

/** Deprecated global names, as MediaMTX still accepts them. */
export const GLOBAL_ALIASES: Readonly<Record<string, Alias>> = {
  protocols: { canonical: "rtspTransports" },
  encryption: { canonical: "rtspEncryption" },
  serverKey: { canonical: "rtspServerKey" },
  serverCert: { canonical: "rtspServerCert" },
  authMethods: { canonical: "rtspAuthMethods" },
  readBufferCount: { canonical: "writeQueueSize" },
  rtspDisable: { canonical: "rtsp", invert: true },
  rtspUDPReadBufferSize: { canonical: "udpReadBufferSize" },
  // Also switches authMethod to "http" (see build.ts).
  externalAuthenticationURL: { canonical: "authHTTPAddress" },
  apiAllowOrigin: { canonical: "apiAllowOrigins" },
  metricsAllowOrigin: { canonical: "metricsAllowOrigins" },
};

/** Deprecated per-path names. */
export const PATH_ALIASES: Readonly<Record<string, Alias>> = {
  sourceProtocol: { canonical: "rtspTransport" },
  sourceAnyPortEnable: { canonical: "rtspAnyPort" },
  disablePublisherOverride: { canonical: "overridePublisher", invert: true },
  runOnReady: { canonical: "runOnAvailable" },
  runOnReadyRestart: { canonical: "runOnAvailableRestart" },
  runOnNotReady: { canonical: "runOnUnavailable" },
};

/** Legacy per-path credentials, converted into authInternalUsers (see legacy_credentials.ts). */
export const LEGACY_CREDENTIAL_KEYS: readonly string[] = [
  "publishUser",
  "publishPass",
  "publishIPs",
  "readUser",
  "readPass",
  "readIPs",
];

/** Whether `key` is a global key we read. */
export function isGlobalKey(key: string): key is GlobalKey {
  return Object.hasOwn(GLOBAL_DECODERS, key);
}

/** Whether `key` is a per-path key we read. */
export function isPathKey(key: string): key is PathKey {
  return Object.hasOwn(PATH_DECODERS, key);
}
