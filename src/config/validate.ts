/**
 * Checks that involve several keys (address pairs, listeners that the chosen transports need,
 * digest vs auth method, path sources). Single values were checked while decoding.
 */

import { parseListenAddress } from "./address.ts";
import { isHashedCredential } from "./auth_users.ts";
import type { Origins } from "./build.ts";
import { ConfigError, describeOrigin, type Origin } from "./config_error.ts";
import { parseDuration } from "./durations.ts";
import { validatePathName } from "./path_match.ts";
import type { GlobalKey } from "./schema.ts";
import { pathLabel, type Warnings } from "./sections.ts";
import { redactUrl, sourceScheme, SUPPORTED_SOURCE_SCHEMES, UNSUPPORTED_SOURCE_SCHEMES } from "./source.ts";
import type { Config, PathConf } from "./types.ts";

/** Runs every cross-field check; throws ConfigError, adds warnings for harmless oddities. */
export function validateConfig(config: Config, origins: Origins, warnings: Warnings): void {
  validateListeners(config, origins);
  validateAuth(config, origins);
  if (config.logDestinations.includes("file") && config.logFile === "") {
    throw new ConfigError(
      "logFile",
      'must be set when "file" is in logDestinations',
      origins.global("logFile"),
    );
  }
  validateSource(
    config.pathDefaults,
    "pathDefaults.source",
    origins.path("defaults", "source").origin,
    warnings,
  );
  config.paths.forEach((path, i) => validatePath(path, i, origins, warnings));
}

function validateListeners(config: Config, origins: Origins): void {
  if (!config.rtsp) return;
  const plain = config.rtspEncryption !== "strict";
  const secure = config.rtspEncryption !== "no";
  const udp = config.rtspTransports.includes("udp");
  const multicast = config.rtspTransports.includes("multicast");
  const need = (key: GlobalKey, why: string) => {
    if (config[key] === "") throw new ConfigError(key, `must be set when ${why}`, origins.global(key));
  };
  const encryptionIs = (values: string) => `rtspEncryption is ${values}`;
  if (plain) {
    need("rtspAddress", encryptionIs('"no" or "optional"'));
    if (udp) {
      need("rtpAddress", `"udp" is in rtspTransports and ${encryptionIs('"no" or "optional"')}`);
      need("rtcpAddress", `"udp" is in rtspTransports and ${encryptionIs('"no" or "optional"')}`);
      checkAddressPair(config, origins, "rtpAddress", "rtcpAddress");
    }
    if (multicast) checkPortPair(config, origins, "multicastRTPPort", "multicastRTCPPort");
  }
  if (secure) {
    need("rtspsAddress", encryptionIs('"optional" or "strict"'));
    if (udp) {
      need("srtpAddress", `"udp" is in rtspTransports and ${encryptionIs('"optional" or "strict"')}`);
      need("srtcpAddress", `"udp" is in rtspTransports and ${encryptionIs('"optional" or "strict"')}`);
      checkAddressPair(config, origins, "srtpAddress", "srtcpAddress");
    }
    if (multicast) checkPortPair(config, origins, "multicastSRTPPort", "multicastSRTCPPort");
  }
  if (multicast) need("multicastIPRange", '"multicast" is in rtspTransports');
  const tcp: GlobalKey[] = [
    ...(plain ? ["rtspAddress" as const] : []),
    ...(secure ? ["rtspsAddress" as const] : []),
  ];
  const udpKeys: GlobalKey[] = udp
    ? [
      ...(plain ? ["rtpAddress", "rtcpAddress"] as const : []),
      ...(secure ? ["srtpAddress", "srtcpAddress"] as const : []),
    ]
    : [];
  checkDistinct(config, origins, tcp, "TCP");
  checkDistinct(config, origins, udpKeys, "UDP");
}

// The RTCP listener must sit on the port after the (even) RTP one, as RFC 3550 §11 recommends and
// gortsplib requires; clients derive one from the other.
function checkAddressPair(config: Config, origins: Origins, rtpKey: GlobalKey, rtcpKey: GlobalKey): void {
  const rtp = parseListenAddress(config[rtpKey] as string).port;
  const rtcp = parseListenAddress(config[rtcpKey] as string).port;
  checkPorts(origins, rtpKey, rtp, rtcpKey, rtcp);
}

function checkPortPair(config: Config, origins: Origins, rtpKey: GlobalKey, rtcpKey: GlobalKey): void {
  checkPorts(origins, rtpKey, config[rtpKey] as number, rtcpKey, config[rtcpKey] as number);
}

function checkPorts(
  origins: Origins,
  rtpKey: GlobalKey,
  rtp: number,
  rtcpKey: GlobalKey,
  rtcp: number,
): void {
  if (rtp % 2 !== 0) throw new ConfigError(rtpKey, `port ${rtp} must be even`, origins.global(rtpKey));
  if (rtcp !== rtp + 1) {
    // Blame the key that was written; when both were, the RTCP one.
    const key = origins.isSet(rtcpKey) || !origins.isSet(rtpKey) ? rtcpKey : rtpKey;
    throw new ConfigError(
      key,
      `port of ${rtcpKey} (${rtcp}) must be the port of ${rtpKey} plus one (${rtp + 1})`,
      origins.global(key),
    );
  }
}

function checkDistinct(config: Config, origins: Origins, keys: GlobalKey[], protocol: string): void {
  const seen = new Map<string, GlobalKey>();
  for (const key of keys) {
    const { hostname, port } = parseListenAddress(config[key] as string);
    if (port === 0) continue;
    const id = `${hostname}:${port}`;
    const other = seen.get(id);
    if (other !== undefined) {
      throw new ConfigError(key, `${protocol} port ${port} is already used by ${other}`, origins.global(key));
    }
    seen.set(id, key);
  }
}

function validateAuth(config: Config, origins: Origins): void {
  if (config.authMethod === "http") {
    const url = config.authHTTPAddress;
    if (url === "") {
      throw new ConfigError(
        "authHTTPAddress",
        'must be set when authMethod is "http"',
        origins.global("authHTTPAddress"),
      );
    }
    if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
      throw new ConfigError(
        "authHTTPAddress",
        `${JSON.stringify(url)} is not an http:// or https:// URL`,
        origins.global("authHTTPAddress"),
      );
    }
  }
  if (config.authMethod === "jwt") {
    const url = config.authJWTJWKS;
    if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
      throw new ConfigError(
        "authJWTJWKS",
        url === ""
          ? 'must be set when authMethod is "jwt"'
          : `${JSON.stringify(url)} is not an http:// or https:// URL`,
        origins.global("authJWTJWKS"),
      );
    }
  }
  if (config.rtsp && config.rtspAuthMethods.includes("digest")) {
    if (config.authMethod !== "internal") {
      throw new ConfigError(
        "rtspAuthMethods",
        `"digest" needs authMethod "internal" (the server must know the passwords), not "${config.authMethod}"`,
        origins.global("rtspAuthMethods"),
      );
    }
    const index = config.authInternalUsers.findIndex((u) =>
      isHashedCredential(u.user) || isHashedCredential(u.pass)
    );
    if (index !== -1) {
      throw new ConfigError(
        `authInternalUsers[${index}]`,
        'hashed credentials cannot be used when rtspAuthMethods includes "digest"',
        origins.global("authInternalUsers"),
      );
    }
  }
}

function validatePath(path: PathConf, index: number, origins: Origins, warnings: Warnings): void {
  const label = pathLabel(path.name);
  const at = (key: string) => origins.path(index, key);
  const source = at("source");
  validateSource(path, source.label, source.origin, warnings);
  const isStatic = path.source !== "publisher" && path.source !== "redirect";
  if (isStatic && path.regex !== undefined && !path.sourceOnDemand) {
    throw new ConfigError(
      `${label}.sourceOnDemand`,
      "a path with a regular expression (or all_others) and a static source must set sourceOnDemand: yes",
      at("sourceOnDemand").origin.kind === "default" ? origins.pathName(index) : at("sourceOnDemand").origin,
    );
  }
  if (path.sourceOnDemand && path.source === "publisher") {
    const where = describeOrigin(at("sourceOnDemand").origin);
    warnings.add(
      `ondemand:${label}`,
      `${label}.sourceOnDemand has no effect when source is "publisher" ${where}`,
    );
  }
  if (path.source === "redirect") {
    const target = at("sourceRedirect");
    if (path.sourceRedirect === "") {
      throw new ConfigError(
        `${label}.sourceRedirect`,
        'must be set when source is "redirect"',
        origins.pathName(index),
      );
    }
    validateRedirectTarget(path.sourceRedirect, target.label, target.origin);
  } else if (path.sourceRedirect !== "") {
    const where = describeOrigin(at("sourceRedirect").origin);
    warnings.add(
      `redirect:${label}`,
      `${label}.sourceRedirect has no effect when source is not "redirect" ${where}`,
    );
  }
  if (path.fallback !== "") {
    validateRedirectTarget(path.fallback, at("fallback").label, at("fallback").origin);
  }
  // As MediaMTX: runOnInit needs a concrete path, runOnDemand a path that takes publishers.
  if (path.runOnInit !== "" && path.regex !== undefined) {
    throw new ConfigError(
      `${label}.runOnInit`,
      "cannot be used on a path with a regular expression (or all_others)",
      at("runOnInit").origin,
    );
  }
  if (path.runOnDemand !== "" && path.source !== "publisher") {
    throw new ConfigError(
      `${label}.runOnDemand`,
      'can only be used when source is "publisher"',
      at("runOnDemand").origin,
    );
  }
  validateRange(path, at("rtspRangeStart").label, at("rtspRangeStart").origin);
}

/** Checks a source value; unsupported MediaMTX sources only warn. */
function validateSource(path: PathConf, label: string, origin: Origin, warnings: Warnings): void {
  const source = path.source;
  if (source === "publisher" || source === "redirect") return;
  const scheme = sourceScheme(source);
  const shown = JSON.stringify(redactUrl(source));
  if (source === "rpiCamera" || (scheme !== undefined && UNSUPPORTED_SOURCE_SCHEMES.includes(scheme))) {
    warnings.add(
      `source:${label}`,
      `${label}: ${shown} is a MediaMTX source this server cannot pull; the path will have no stream ${
        describeOrigin(origin)
      }`,
    );
    return;
  }
  if (scheme === undefined || !SUPPORTED_SOURCE_SCHEMES.includes(scheme)) {
    const schemes = SUPPORTED_SOURCE_SCHEMES.map((s) => `${s}://`).join(", ");
    throw new ConfigError(
      label,
      `${shown} is not "publisher", "redirect" or a URL starting with ${schemes}`,
      origin,
    );
  }
  // $G1… (regex groups) and $MTX_QUERY are filled in at run time.
  const concrete = source.replace(/\$G\d+/g, "0").replace(/\$MTX_QUERY/g, "");
  let url: URL;
  try {
    url = new URL(concrete);
  } catch {
    throw new ConfigError(label, `${shown} is not a valid URL`, origin);
  }
  if (url.hostname === "") throw new ConfigError(label, `${shown} has no host`, origin);
  if ((url.username === "") !== (url.password === "")) {
    throw new ConfigError(label, `${shown}: give both user and password, or neither`, origin);
  }
}

/** A redirect target: "/path" or an rtsp:// or rtsps:// URL. */
function validateRedirectTarget(target: string, label: string, origin: Origin): void {
  if (target.startsWith("/")) {
    try {
      validatePathName(target.slice(1));
    } catch (error) {
      throw new ConfigError(label, (error as Error).message, origin);
    }
    return;
  }
  const scheme = sourceScheme(target);
  if ((scheme !== "rtsp" && scheme !== "rtsps") || !URL.canParse(target)) {
    throw new ConfigError(
      label,
      `${JSON.stringify(redactUrl(target))} is neither "/<path>" nor an rtsp:// URL`,
      origin,
    );
  }
}

function validateRange(path: PathConf, label: string, origin: Origin): void {
  const start = path.rtspRangeStart;
  if (start === "" || path.rtspRangeType === "") return;
  if (path.rtspRangeType === "clock") {
    if (!/^\d{8}T\d{6}(\.\d+)?Z$/.test(start)) {
      throw new ConfigError(
        label,
        `${JSON.stringify(start)} is not a UTC time such as 20230812T120000Z`,
        origin,
      );
    }
    return;
  }
  let ms: number;
  try {
    ms = parseDuration(start);
  } catch (error) {
    throw new ConfigError(label, (error as Error).message, origin);
  }
  if (ms < 0) throw new ConfigError(label, `must not be negative, got ${JSON.stringify(start)}`, origin);
}
