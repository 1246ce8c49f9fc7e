import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { configFromEnv, defaultConfig } from "../../../src/config/mod.ts";
import { configError, parse } from "./_helpers.ts";

Deno.test("MTX_<KEY> overrides global keys of every type", () => {
  const { config } = parse("logLevel: warn\nrtspAddress: :7554\n", {
    MTX_LOGLEVEL: "debug",
    MTX_RTSPADDRESS: ":9554",
    MTX_READTIMEOUT: "1m30s",
    MTX_WRITEQUEUESIZE: "1024",
    MTX_RTSP: "yes",
    MTX_MULTICASTTTL: "32",
    MTX_RTSPENCRYPTION: "optional",
  });
  equal(config.logLevel, "debug");
  equal(config.rtspAddress, ":9554");
  equal(config.readTimeout, 90_000);
  equal(config.writeQueueSize, 1024);
  equal(config.rtsp, true);
  equal(config.multicastTTL, 32);
  equal(config.rtspEncryption, "optional");
});

Deno.test("lists are comma-separated; an empty value is an empty list", () => {
  const { config } = parse("", {
    MTX_RTSPTRANSPORTS: "tcp, udp",
    MTX_RTSPAUTHMETHODS: "basic,digest",
    MTX_LOGDESTINATIONS: "",
  });
  deepStrictEqual(config.rtspTransports, ["tcp", "udp"]);
  deepStrictEqual(config.rtspAuthMethods, ["basic", "digest"]);
  deepStrictEqual(config.logDestinations, []);
});

Deno.test("the legacy RTSP_ prefix works and MTX_ wins over it", () => {
  const { config } = parse("", {
    RTSP_LOGLEVEL: "debug",
    RTSP_RTSPADDRESS: ":1554",
    MTX_RTSPADDRESS: ":2554",
  });
  equal(config.logLevel, "debug");
  equal(config.rtspAddress, ":2554");
});

Deno.test("env errors name the key and the variable", async (t) => {
  const cases: { env: Record<string, string>; key: string; variable: string; reason: RegExp }[] = [
    {
      env: { MTX_RTSPTRANSPORTS: "tcp,quic" },
      key: "rtspTransports[1]",
      variable: "MTX_RTSPTRANSPORTS",
      reason: /"quic"/,
    },
    {
      env: { MTX_RTSPTRANSPORTS: "" },
      key: "rtspTransports",
      variable: "MTX_RTSPTRANSPORTS",
      reason: /must not be empty/,
    },
    {
      env: { MTX_READTIMEOUT: "10" },
      key: "readTimeout",
      variable: "MTX_READTIMEOUT",
      reason: /no unit|missing unit/,
    },
    { env: { MTX_RTSP: "0" }, key: "rtsp", variable: "MTX_RTSP", reason: /expected a boolean/ },
    {
      env: { MTX_WRITEQUEUESIZE: "1k" },
      key: "writeQueueSize",
      variable: "MTX_WRITEQUEUESIZE",
      reason: /integer/,
    },
    {
      env: { MTX_RTCPADDRESS: ":8003" },
      key: "rtcpAddress",
      variable: "MTX_RTCPADDRESS",
      reason: /plus one/,
    },
    {
      env: { MTX_PATHS_CAM_SORCE: "publisher" },
      key: "paths.cam.SORCE",
      variable: "MTX_PATHS_CAM_SORCE",
      reason: /unknown key "SORCE"; did you mean SOURCE\?/,
    },
    {
      env: { MTX_PATHS_CAM_SOURCE: "ftp://x/y" },
      key: "paths.cam.source",
      variable: "MTX_PATHS_CAM_SOURCE",
      reason: /not "publisher"/,
    },
    {
      env: { MTX_PATHDEFAULTS_MAXREADERS: "-2" },
      key: "pathDefaults.maxReaders",
      variable: "MTX_PATHDEFAULTS_MAXREADERS",
      reason: /out of range/,
    },
    {
      env: { MTX_AUTHINTERNALUSERS_0_PERMISSIONS_0_ACTION: "watch" },
      key: "authInternalUsers[0].permissions[0].action",
      variable: "MTX_AUTHINTERNALUSERS_0_PERMISSIONS_0_ACTION",
      reason: /"watch" is not one of/,
    },
    {
      env: { MTX_AUTHINTERNALUSERS_5_USER: "bob" },
      key: "authInternalUsers[5]",
      variable: "MTX_AUTHINTERNALUSERS_5_USER",
      reason: /skips entries \(the list has 2\)/,
    },
    {
      env: { MTX_AUTHINTERNALUSERS_0_NAME: "bob" },
      key: "authInternalUsers[0]",
      variable: "MTX_AUTHINTERNALUSERS_0_NAME",
      reason: /unknown key "NAME"/,
    },
    {
      env: { MTX_PATHS_SOURCE: "publisher" },
      key: "paths",
      variable: "MTX_PATHS_SOURCE",
      reason: /MTX_PATHS_<NAME>_<KEY>/,
    },
  ];
  for (const c of cases) {
    await t.step(Object.keys(c.env)[0], () => {
      const error = configError(() => parse("rtspAddress: :8554\n", c.env));
      equal(error.key, c.key);
      equal(error.variable, c.variable);
      equal(error.line, undefined);
      match(error.message, c.reason);
      ok(error.message.startsWith(`Invalid configuration: ${c.key}: `), error.message);
      ok(error.message.endsWith(`(environment variable ${c.variable})`), error.message);
    });
  }
});

Deno.test("MTX_PATHS_<NAME>_<KEY> creates a lower-case path when none matches", () => {
  const { config } = parse("paths:\n  all_others:\n", { MTX_PATHS_TEST_SOURCE: "rtsp://10.0.0.5/live" });
  deepStrictEqual(config.paths.map((p) => p.name), ["all_others", "test"]);
  equal(config.paths[1].source, "rtsp://10.0.0.5/live");
  equal(config.paths[1].regex, undefined);
});

Deno.test("MTX_PATHS_<NAME> matches existing paths ignoring case, reading / . - as _", () => {
  const yaml = "paths:\n  Cam:\n  site/cam-1:\n  my_cam:\n  all_others:\n";
  const { config } = parse(yaml, {
    MTX_PATHS_CAM_MAXREADERS: "1",
    MTX_PATHS_SITE_CAM_1_MAXREADERS: "2",
    MTX_PATHS_MY_CAM_MAXREADERS: "3",
    MTX_PATHS_ALL_OTHERS_MAXREADERS: "4",
  });
  deepStrictEqual(config.paths.map((p) => [p.name, p.maxReaders]), [
    ["Cam", 1],
    ["site/cam-1", 2],
    ["my_cam", 3],
    ["all_others", 4],
  ]);
});

Deno.test("an env path name matching two paths is an error", () => {
  const error = configError(() => parse("paths:\n  cam-1:\n  cam_1:\n", { MTX_PATHS_CAM_1_MAXREADERS: "1" }));
  match(error.message, /CAM_1 matches several paths \("cam-1" and "cam_1"\)/);
});

Deno.test("MTX_PATHDEFAULTS_<KEY> applies to every path unless the path sets the key", () => {
  const yaml = "paths:\n  cam:\n    maxReaders: 5\n  other:\n";
  const { config } = parse(yaml, { MTX_PATHDEFAULTS_MAXREADERS: "1", MTX_PATHDEFAULTS_GOPCACHE: "no" });
  equal(config.pathDefaults.maxReaders, 1);
  deepStrictEqual(config.paths.map((p) => [p.name, p.maxReaders, p.gopCache]), [["cam", 5, false], [
    "other",
    1,
    false,
  ]]);
});

Deno.test("a path's env value overrides the file's value for that path", () => {
  const { config } = parse("paths:\n  cam:\n    maxReaders: 5\n", { MTX_PATHS_CAM_MAXREADERS: "7" });
  equal(config.paths[0].maxReaders, 7);
});

Deno.test("MTX_AUTHINTERNALUSERS_<N>_<KEY> edits the default users and appends new ones", () => {
  const { config } = parse("", {
    MTX_AUTHINTERNALUSERS_0_USER: "admin",
    MTX_AUTHINTERNALUSERS_0_PASS: "secret",
    MTX_AUTHINTERNALUSERS_2_USER: "viewer",
    MTX_AUTHINTERNALUSERS_2_PASS: "pw",
    MTX_AUTHINTERNALUSERS_2_IPS: "10.0.0.1,192.168.0.0/16",
    MTX_AUTHINTERNALUSERS_2_PERMISSIONS_0_ACTION: "read",
    MTX_AUTHINTERNALUSERS_2_PERMISSIONS_1_ACTION: "playback",
    MTX_AUTHINTERNALUSERS_2_PERMISSIONS_1_PATH: "~^cam",
  });
  const defaults = defaultConfig().authInternalUsers;
  deepStrictEqual(config.authInternalUsers, [
    { ...defaults[0], user: "admin", pass: "secret" },
    defaults[1],
    {
      user: "viewer",
      pass: "pw",
      ips: ["10.0.0.1", "192.168.0.0/16"],
      permissions: [{ action: "read", path: "" }, { action: "playback", path: "~^cam" }],
    },
  ]);
});

Deno.test("empty MTX_AUTHINTERNALUSERS and …_PERMISSIONS clear their lists", () => {
  const { config } = parse("", {
    MTX_AUTHINTERNALUSERS: "",
    MTX_AUTHINTERNALUSERS_0_USER: "solo",
    MTX_AUTHINTERNALUSERS_0_PERMISSIONS: "",
  });
  deepStrictEqual(config.authInternalUsers, [{ user: "solo", pass: "", ips: [], permissions: [] }]);
});

Deno.test("indexes are taken in numeric order (10 after 2)", () => {
  const env: Record<string, string> = {};
  for (let i = 0; i <= 11; i++) env[`MTX_AUTHINTERNALUSERS_${i}_USER`] = `u${i}`;
  const { config } = parse("", env);
  deepStrictEqual(config.authInternalUsers.map((u) => u.user), Array.from({ length: 12 }, (_, i) => `u${i}`));
});

Deno.test("unrelated MTX_ and RTSP_ variables (set by MediaMTX hooks) are ignored", () => {
  const { config, warnings } = parse("", {
    MTX_PATH: "cam",
    MTX_QUERY: "a=1",
    MTX_CONN_TYPE: "rtspConn",
    MTX_SOURCE_ID: "x",
    RTSP_PORT: "8554",
    RTSP_PATH: "cam",
    PATH: "/usr/bin",
  });
  deepStrictEqual(config, { ...defaultConfig(), paths: [] });
  deepStrictEqual(warnings, []);
});

Deno.test("env variables for foreign MediaMTX settings warn once and create nothing", () => {
  const { config, warnings } = parse("", {
    MTX_HLS: "no",
    MTX_WEBRTCICESERVERS2_0_URL: "stun:x",
    MTX_PATHS_CAM_RUNONRECORDSEGMENTCREATE: "ffmpeg",
    MTX_PATHS_CAM_ALWAYSAVAILABLETRACKS_0_CODEC: "H264",
    MTX_PATHDEFAULTS_RECORD: "yes",
  });
  deepStrictEqual(config.paths, []);
  equal(warnings.length, 5);
  for (const w of warnings) {
    match(w, /^environment variable MTX_\w+ sets a MediaMTX setting this server does not use; ignored$/);
  }
});

Deno.test("deprecated names work in env variables too", () => {
  const { config, warnings } = parse("paths:\n  cam:\n", {
    MTX_PROTOCOLS: "tcp",
    RTSP_RTSPDISABLE: "yes",
    MTX_PATHS_CAM_DISABLEPUBLISHEROVERRIDE: "yes",
  });
  deepStrictEqual(config.rtspTransports, ["tcp"]);
  equal(config.rtsp, false);
  equal(config.paths[0].overridePublisher, false);
  equal(warnings.length, 3);
  match(
    warnings.join("\n"),
    /"protocols" is deprecated; use "rtspTransports" instead \(environment variable MTX_PROTOCOLS\)/,
  );
});

Deno.test("without a file, env variables apply on top of the built-in defaults", () => {
  const { config } = configFromEnv({ MTX_PATHS_TEST_SOURCE: "rtsp://h/x", MTX_RTSPTRANSPORTS: "tcp" });
  deepStrictEqual(config.paths.map((p) => p.name), ["all_others", "test"]);
  deepStrictEqual(config.rtspTransports, ["tcp"]);
});

Deno.test("MTX_CONFKEY explains that encrypted files are not supported", () => {
  const error = configError(() => parse("c2VjcmV0IGJsb2I=\n", { MTX_CONFKEY: "k" }));
  match(error.message, /encrypted configuration files \(MTX_CONFKEY\) are not supported/);
});

Deno.test("hook keys can be set from the environment (MTX_PATHS_<NAME>_RUNONDEMAND, MTX_RUNONCONNECT)", () => {
  const { config, warnings } = parse("", {
    MTX_PATHS_CAM_RUNONDEMAND: "ffmpeg -i x -f rtsp rtsp://localhost:$RTSP_PORT/$MTX_PATH",
    MTX_PATHS_CAM_RUNONDEMANDCLOSEAFTER: "3s",
    MTX_RUNONCONNECT: "sh -c 'echo $MTX_CONN_ID'",
  });
  equal(config.paths[0].name, "cam");
  equal(config.paths[0].runOnDemand, "ffmpeg -i x -f rtsp rtsp://localhost:$RTSP_PORT/$MTX_PATH");
  equal(config.paths[0].runOnDemandCloseAfter, 3000);
  equal(config.runOnConnect, "sh -c 'echo $MTX_CONN_ID'");
  deepStrictEqual(warnings, []);
});
