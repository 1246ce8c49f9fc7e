import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { defaultConfig, loadConfig } from "../../../src/config/mod.ts";
import { configError, parse } from "./_helpers.ts";

const FIXTURE = new URL("../../fixtures/config/mediamtx_full.yml", import.meta.url);

Deno.test("deprecated global names map to the current keys, with a warning each", () => {
  const yaml = [
    "protocols: [tcp]",
    "encryption: optional",
    "serverKey: k.pem",
    "serverCert: c.pem",
    "authMethods: [digest]",
    "readBufferCount: 64",
    "rtspDisable: yes",
    "rtspUDPReadBufferSize: 1000000",
  ].join("\n");
  const { config, warnings } = parse(yaml);
  deepStrictEqual(config.rtspTransports, ["tcp"]);
  equal(config.rtspEncryption, "optional");
  equal(config.rtspServerKey, "k.pem");
  equal(config.rtspServerCert, "c.pem");
  deepStrictEqual(config.rtspAuthMethods, ["digest"]);
  equal(config.writeQueueSize, 64);
  equal(config.rtsp, false);
  equal(config.udpReadBufferSize, 1_000_000);
  equal(warnings.length, 8);
  equal(warnings[0], 'key "protocols" is deprecated; use "rtspTransports" instead (mediamtx.yml:1)');
});

Deno.test("deprecated path names map to the current keys; path name all is all_others", () => {
  const yaml =
    "paths:\n  cam:\n    source: rtsp://h/x\n    sourceProtocol: tcp\n    sourceAnyPortEnable: yes\n" +
    "    disablePublisherOverride: yes\n  all:\n";
  const { config, warnings } = parse(yaml);
  const [cam, all] = config.paths;
  equal(cam.rtspTransport, "tcp");
  equal(cam.rtspAnyPort, true);
  equal(cam.overridePublisher, false);
  equal(all.name, "all_others");
  deepStrictEqual(all.regex, /^.*$/);
  equal(warnings.length, 4);
  match(warnings[3], /path name "all" is deprecated; use "all_others" instead \(mediamtx.yml:7\)/);
});

Deno.test("a deprecated name overrides the current one in the same file, as in MediaMTX", () => {
  const { config, warnings } = parse("rtspTransports: [udp]\nprotocols: [tcp]\n");
  deepStrictEqual(config.rtspTransports, ["tcp"]);
  ok(
    warnings.some((w) =>
      /"protocols" is deprecated and overrides "rtspTransports" \(mediamtx.yml:1\)/.test(w)
    ),
  );
});

Deno.test("externalAuthenticationURL switches to HTTP authentication", () => {
  const { config } = parse("externalAuthenticationURL: http://auth.local/check\n");
  equal(config.authMethod, "http");
  equal(config.authHTTPAddress, "http://auth.local/check");
});

Deno.test("legacy per-path credentials become authInternalUsers", () => {
  const yaml =
    "paths:\n  cam:\n    publishUser: pub\n    publishPass: pw1\n    readIPs: [10.0.0.0/8]\n  all_others:\n";
  const { config, warnings } = parse(yaml);
  deepStrictEqual(config.authInternalUsers, [
    { user: "any", pass: "", ips: [], permissions: [{ action: "playback", path: "" }] },
    defaultConfig().authInternalUsers[1],
    { user: "pub", pass: "pw1", ips: [], permissions: [{ action: "publish", path: "cam" }] },
    { user: "any", pass: "", ips: ["10.0.0.0/8"], permissions: [{ action: "read", path: "cam" }] },
    { user: "any", pass: "", ips: [], permissions: [{ action: "publish", path: "~^.*$" }] },
    { user: "any", pass: "", ips: [], permissions: [{ action: "read", path: "~^.*$" }] },
  ]);
  match(warnings.join("\n"), /"publishUser" is deprecated; converted into authInternalUsers/);
});

Deno.test("legacy credentials cannot be mixed with custom authInternalUsers", () => {
  const yaml = "authInternalUsers:\n- user: admin\n  pass: x\n  permissions: [{action: read}]\n" +
    "paths:\n  cam:\n    readUser: bob\n    readPass: pw\n";
  const error = configError(() => parse(yaml));
  equal(error.key, "authInternalUsers");
  equal(error.line, 2);
});

Deno.test("booleans: YAML booleans and yes/no/on/off words in any case", () => {
  for (
    const [word, value] of [
      ["true", true],
      ["yes", true],
      ["Yes", true],
      ["on", true],
      ["false", false],
      [
        "no",
        false,
      ],
      ["NO", false],
      ["off", false],
      ['"yes"', true],
    ] as const
  ) {
    equal(parse(`rtsp: ${word}\n`).config.rtsp, value, word);
  }
});

Deno.test("rtspEncryption accepts booleans as MediaMTX does", () => {
  const table: [string, string][] = [
    ['"no"', "no"],
    ["no", "no"],
    ["false", "no"],
    ["optional", "optional"],
    ["strict", "strict"],
    ["yes", "strict"],
    ["true", "strict"],
  ];
  for (const [raw, value] of table) {
    equal(parse(`rtspEncryption: ${raw}\n`).config.rtspEncryption, value, raw);
  }
});

Deno.test("an empty value means the default", () => {
  const { config } = parse("rtspAddress:\nreadTimeout:\nauthInternalUsers:\npathDefaults:\npaths:\n  cam:\n");
  deepStrictEqual(config, { ...defaultConfig(), paths: [{ ...defaultConfig().pathDefaults, name: "cam" }] });
});

Deno.test("numbers written for strings keep their spelling", () => {
  const { config } = parse(
    "authInternalUsers:\n- user: 007\n  pass: 0123\n  permissions: [{action: read}]\n",
  );
  equal(config.authInternalUsers[0].user, "007");
  equal(config.authInternalUsers[0].pass, "0123");
});

Deno.test("YAML anchors and merge keys work", () => {
  const yaml = "pathDefaults: &d\n  maxReaders: 3\npaths:\n  cam:\n    <<: *d\n    overridePublisher: no\n" +
    "  cam2: *d\n";
  const { config } = parse(yaml);
  deepStrictEqual(config.paths.map((p) => [p.name, p.maxReaders, p.overridePublisher]), [
    ["cam", 3, false],
    ["cam2", 3, true],
  ]);
});

Deno.test("a full MediaMTX config loads; each foreign key warns once", async () => {
  const { config, warnings, file } = await loadConfig({ file: FIXTURE.pathname, env: {} });
  equal(file, FIXTURE.pathname);
  equal(config.writeQueueSize, 1024);
  equal(config.authInternalUsers.length, 3);
  deepStrictEqual(config.authInternalUsers[1].ips, ["192.168.0.0/16", "10.0.0.1"]);
  deepStrictEqual(config.paths.map((p) => p.name), ["frontdoor", "~^cam(\\d+)$", "news", "all_others"]);
  equal(config.paths[0].rtspTransport, "tcp");
  equal(config.paths[1].sourceOnDemand, true);
  equal(config.metrics, true);
  deepStrictEqual(config.metricsAllowOrigins, ["*"]);
  for (
    const key of ["hls", "webrtcICEServers2", "rtmp", "pprof", "pprofAddress", "record", "rpiCameraWidth"]
  ) {
    const mine = warnings.filter((w) => w.startsWith(`key "${key}" is a MediaMTX setting`));
    equal(mine.length, 1, `${key}: ${mine}`);
  }
  // "record" appears in pathDefaults and in a path: still one warning.
  equal(new Set(warnings).size, warnings.length);
  ok(
    warnings.some((w) =>
      /paths\.news\.source: "https:\/\/example.com\/live\/index.m3u8" is a MediaMTX source/.test(w)
    ),
  );
  ok(!warnings.some((w) => /pass1234/.test(w)));
});

Deno.test("unsupported MediaMTX sources load with a warning; passwords are redacted", () => {
  const { config, warnings } = parse(
    "paths:\n  r:\n    source: rtmp://u:secret@h/app/key\n  pi:\n    source: rpiCamera\n",
  );
  equal(config.paths[0].source, "rtmp://u:secret@h/app/key");
  equal(warnings.length, 2);
  match(
    warnings[0],
    /^paths\.r\.source: "rtmp:\/\/u:\*\*\*@h\/app\/key" is a MediaMTX source this server cannot pull/,
  );
});

Deno.test("settings MediaMTX refuses but that are harmless only warn", () => {
  const yaml = "paths:\n  cam:\n    sourceOnDemand: yes\n    sourceRedirect: /other\n";
  const { warnings } = parse(yaml);
  equal(warnings.length, 2);
  match(warnings[0], /sourceOnDemand has no effect when source is "publisher" \(mediamtx.yml:3\)/);
  match(warnings[1], /sourceRedirect has no effect when source is not "redirect" \(mediamtx.yml:4\)/);
});

Deno.test("every supported source scheme, placeholders and redirects are accepted", () => {
  const sources = ["rtsp", "rtsps", "rtsp+http", "rtsps+http", "rtsp+ws", "rtsps+ws"].map((s) =>
    `${s}://cam.local:554/x`
  );
  const yaml = "paths:\n" + sources.map((s, i) => `  p${i}:\n    source: ${s}\n`).join("") +
    "  ~^g(\\d+)$:\n    source: rtsp://user:pw@10.0.0.$G1/live?$MTX_QUERY\n    sourceOnDemand: yes\n" +
    "  old:\n    source: redirect\n    sourceRedirect: /p0\n  far:\n    source: redirect\n    sourceRedirect: rtsp://x/y\n";
  const { config, warnings } = parse(yaml);
  equal(config.paths.length, sources.length + 3);
  deepStrictEqual(warnings, []);
});

Deno.test("hook keys: runOnReady/runOnNotReady are MediaMTX's old names of runOnAvailable/runOnUnavailable", () => {
  const { config, warnings } = parse(
    "runOnConnect: sh -c 'echo $MTX_CONN_ID'\npaths:\n  cam:\n    runOnReady: a\n    runOnReadyRestart: yes\n" +
      "    runOnNotReady: b\n    runOnDemandCloseAfter: 2s\n",
  );
  equal(config.runOnConnect, "sh -c 'echo $MTX_CONN_ID'");
  equal(config.paths[0].runOnAvailable, "a");
  equal(config.paths[0].runOnAvailableRestart, true);
  equal(config.paths[0].runOnUnavailable, "b");
  equal(config.paths[0].runOnDemandCloseAfter, 2000);
  match(warnings.join("\n"), /"runOnReady" is deprecated; use "runOnAvailable" instead/);
  equal(warnings.length, 3);
});
