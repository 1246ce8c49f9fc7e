import { deepStrictEqual, equal, match, ok, rejects } from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { ConfigError, defaultConfig, defaultPathConf, loadConfig } from "../../../src/config/mod.ts";
import { parse } from "./_helpers.ts";

const ROOT_YML = new URL("../../../mediamtx.yml", import.meta.url).pathname;

Deno.test("defaults are MediaMTX's plus our extensions", () => {
  const config = defaultConfig();
  deepStrictEqual({ ...config, authInternalUsers: undefined, pathDefaults: undefined, paths: undefined }, {
    logLevel: "info",
    logDestinations: ["stdout"],
    logFile: "mediamtx.log",
    readTimeout: 10_000,
    writeTimeout: 10_000,
    writeQueueSize: 512,
    udpMaxPayloadSize: 1452,
    udpReadBufferSize: 0,
    authMethod: "internal",
    authInternalUsers: undefined,
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
    pathDefaults: undefined,
    paths: undefined,
  });
  deepStrictEqual(config.authInternalUsers, [
    {
      user: "any",
      pass: "",
      ips: [],
      permissions: [{ action: "publish", path: "" }, { action: "read", path: "" }, {
        action: "playback",
        path: "",
      }],
    },
    {
      user: "any",
      pass: "",
      ips: ["127.0.0.1", "::1"],
      permissions: [{ action: "api", path: "" }, { action: "metrics", path: "" }, {
        action: "pprof",
        path: "",
      }],
    },
  ]);
  deepStrictEqual(config.pathDefaults, {
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
  });
  // Built-in defaults (no file): anyone may publish and read any path.
  deepStrictEqual(config.paths, [{ ...defaultPathConf(), name: "all_others", regex: /^.*$/ }]);
});

Deno.test("a file without paths has no paths, as in MediaMTX", () => {
  deepStrictEqual(parse("logLevel: info\n").config.paths, []);
  deepStrictEqual(parse("").config, { ...defaultConfig(), paths: [] });
});

Deno.test("the root mediamtx.yml loads into exactly the built-in defaults, without warnings", async () => {
  const { config, warnings, file } = await loadConfig({ file: ROOT_YML, env: {} });
  equal(file, ROOT_YML);
  deepStrictEqual(warnings, []);
  deepStrictEqual(config, defaultConfig());
});

Deno.test("the root mediamtx.yml writes every key, and marks each extension", async () => {
  const text = await Deno.readTextFile(ROOT_YML);
  const doc = parseYaml(text) as Record<string, unknown> & { pathDefaults: Record<string, unknown> };
  const defaults = defaultConfig();
  for (const key of Object.keys(defaults)) ok(key in doc, `global key ${key} is missing`);
  for (const key of Object.keys(defaults.pathDefaults)) {
    if (key !== "name") ok(key in doc.pathDefaults, `path key ${key} is missing`);
  }
  const lines = text.split("\n");
  for (
    const key of [
      "multicastTTL",
      "multicastInterface",
      "rtspSessionTimeout",
      "rtspUDPSendThreads",
      "rtspFanOutHold",
      "rtspPlayer",
      "gopCache",
      "sourceRetryPause",
    ]
  ) {
    // The comment lines right above the key.
    let i = lines.findIndex((line) => line.trimStart().startsWith(`${key}:`));
    const comment: string[] = [];
    while (i > 0 && lines[i - 1].trimStart().startsWith("#")) comment.push(lines[--i]);
    ok(comment.join(" ").includes("(extension: not in MediaMTX)"), `${key} is not marked as an extension`);
  }
  ok(/^paths:\n {2}all_others:\n$/m.test(text.slice(text.lastIndexOf("\npaths:") + 1)));
});

Deno.test("loadConfig takes the first existing search path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const second = `${dir}/second.yml`;
    const third = `${dir}/third.yml`;
    await Deno.writeTextFile(second, "logLevel: debug\n");
    await Deno.writeTextFile(third, "logLevel: error\n");
    const loaded = await loadConfig({ env: {}, searchPaths: [`${dir}/missing.yml`, second, third] });
    equal(loaded.file, second);
    equal(loaded.config.logLevel, "debug");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadConfig without any file uses the built-in defaults and the environment", async () => {
  const loaded = await loadConfig({
    env: { MTX_LOGLEVEL: "warn" },
    searchPaths: ["/nonexistent/mediamtx.yml"],
  });
  equal(loaded.file, undefined);
  deepStrictEqual(loaded.config, { ...defaultConfig(), logLevel: "warn" });
});

Deno.test("an explicit file must exist", async () => {
  await rejects(loadConfig({ file: "/nonexistent/conf.yml", env: {} }), (e: unknown) => {
    ok(e instanceof ConfigError);
    equal(e.file, "/nonexistent/conf.yml");
    match(e.message, /configuration file \/nonexistent\/conf.yml does not exist/);
    return true;
  });
});

Deno.test("errors in a loaded file name that file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bad.yml`;
    await Deno.writeTextFile(path, "logLevel: info\n\nmulticastTTL: 300\n");
    await rejects(loadConfig({ file: path, env: {} }), (e: unknown) => {
      ok(e instanceof ConfigError);
      equal(e.message, `Invalid configuration: multicastTTL: 300 is out of range 1..255 (${path}:3)`);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
