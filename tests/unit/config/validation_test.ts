import { equal, match } from "node:assert/strict";
import { configError, parse } from "./_helpers.ts";

/** A bad config, the key path and line the error must name, and what the reason must say. */
interface BadConfig {
  name: string;
  yaml: string;
  key: string;
  line: number;
  reason: RegExp;
}

const BAD: BadConfig[] = [
  // general
  {
    name: "transport not in the set",
    yaml: "logLevel: info\nrtspTransports:\n  - udp\n  - quic\n",
    key: "rtspTransports[1]",
    line: 4,
    reason: /"quic" is not one of udp, multicast, tcp/,
  },
  {
    name: "no transport",
    yaml: "rtspTransports: []\n",
    key: "rtspTransports",
    line: 1,
    reason: /must not be empty/,
  },
  {
    name: "transport twice",
    yaml: "rtspTransports: [tcp, udp, tcp]\n",
    key: "rtspTransports[2]",
    line: 1,
    reason: /"tcp" is listed twice/,
  },
  {
    name: "transports not a list",
    yaml: "rtspTransports: tcp\n",
    key: "rtspTransports",
    line: 1,
    reason: /expected a list/,
  },
  {
    name: "duration without unit",
    yaml: "\nreadTimeout: 10\n",
    key: "readTimeout",
    line: 2,
    reason: /no unit.*"10s"/,
  },
  {
    name: "zero timeout",
    yaml: "writeTimeout: 0s\n",
    key: "writeTimeout",
    line: 1,
    reason: /greater than zero/,
  },
  {
    name: "bad duration",
    yaml: "readTimeout: soon\n",
    key: "readTimeout",
    line: 1,
    reason: /invalid duration/,
  },
  {
    name: "queue not power of 2",
    yaml: "writeQueueSize: 500\n",
    key: "writeQueueSize",
    line: 1,
    reason: /power of two/,
  },
  {
    name: "payload too big",
    yaml: "udpMaxPayloadSize: 1500\n",
    key: "udpMaxPayloadSize",
    line: 1,
    reason: /1500 is out of range 64\.\.1472/,
  },
  {
    name: "integer expected",
    yaml: "udpReadBufferSize: big\n",
    key: "udpReadBufferSize",
    line: 1,
    reason: /integer/,
  },
  {
    name: "log level",
    yaml: "logLevel: verbose\n",
    key: "logLevel",
    line: 1,
    reason: /not one of error, warn/,
  },
  {
    name: "file log without file",
    yaml: "logDestinations: [stdout, file]\nlogFile: ''\n",
    key: "logFile",
    line: 2,
    reason: /must be set when "file"/,
  },
  // RTSP listeners
  {
    name: "odd RTP port",
    yaml: "rtpAddress: :8001\nrtcpAddress: :8002\n",
    key: "rtpAddress",
    line: 1,
    reason: /even/,
  },
  {
    name: "RTCP not RTP+1",
    yaml: "rtpAddress: :8000\nrtcpAddress: :8005\n",
    key: "rtcpAddress",
    line: 2,
    reason: /plus one \(8001\)/,
  },
  {
    name: "RTP moved without RTCP",
    yaml: "rtpAddress: :9000\n",
    key: "rtpAddress",
    line: 1,
    reason: /rtcpAddress \(8001\).*\(9001\)/,
  },
  {
    name: "multicast RTCP port",
    yaml: "multicastRTCPPort: 8004\n",
    key: "multicastRTCPPort",
    line: 1,
    reason: /plus one \(8003\)/,
  },
  {
    name: "SRTCP with optional encryption",
    yaml: "rtspEncryption: optional\nsrtcpAddress: :8009\n",
    key: "srtcpAddress",
    line: 2,
    reason: /plus one \(8005\)/,
  },
  {
    name: "multicast SRTP odd with strict",
    yaml: "rtspEncryption: strict\nmulticastSRTPPort: 8007\nmulticastSRTCPPort: 8008\n",
    key: "multicastSRTPPort",
    line: 2,
    reason: /8007 must be even/,
  },
  {
    name: "address without port",
    yaml: "rtspAddress: 8554\n",
    key: "rtspAddress",
    line: 1,
    reason: /missing port/,
  },
  {
    name: "needed address empty",
    yaml: "rtspAddress: ''\n",
    key: "rtspAddress",
    line: 1,
    reason: /must be set when rtspEncryption is "no" or "optional"/,
  },
  {
    name: "same TCP port twice",
    yaml: "rtspEncryption: optional\nrtspsAddress: :8554\n",
    key: "rtspsAddress",
    line: 2,
    reason: /already used by rtspAddress/,
  },
  {
    name: "unicast range",
    yaml: "multicastIPRange: 10.0.0.0/8\n",
    key: "multicastIPRange",
    line: 1,
    reason: /224\.0\.0\.0\/4/,
  },
  {
    name: "range without prefix",
    yaml: "multicastIPRange: 224.1.0.0\n",
    key: "multicastIPRange",
    line: 1,
    reason: /CIDR/,
  },
  {
    name: "TTL zero",
    yaml: "multicastTTL: 0\n",
    key: "multicastTTL",
    line: 1,
    reason: /out of range 1\.\.255/,
  },
  { name: "TTL too big", yaml: "multicastTTL: 256\n", key: "multicastTTL", line: 1, reason: /out of range/ },
  {
    name: "multicast interface",
    yaml: "multicastInterface: eth 0\n",
    key: "multicastInterface",
    line: 1,
    reason: /interface/,
  },
  {
    name: "encryption word",
    yaml: "rtspEncryption: maybe\n",
    key: "rtspEncryption",
    line: 1,
    reason: /no, optional, strict/,
  },
  {
    name: "auth scheme",
    yaml: "rtspAuthMethods: [ntlm]\n",
    key: "rtspAuthMethods[0]",
    line: 1,
    reason: /basic, digest/,
  },
  {
    name: "session timeout too short",
    yaml: "rtspSessionTimeout: 5s\n",
    key: "rtspSessionTimeout",
    line: 1,
    reason: /greater than 5s/,
  },
  // authentication
  {
    name: "http auth without URL",
    yaml: "authMethod: http\n",
    key: "authHTTPAddress",
    line: 0,
    reason: /must be set when authMethod is "http"/,
  },
  {
    name: "http auth with a bad URL",
    yaml: "authMethod: http\nauthHTTPAddress: auth.local/check\n",
    key: "authHTTPAddress",
    line: 2,
    reason: /not an http/,
  },
  {
    name: "digest with http auth",
    yaml: "authMethod: http\nauthHTTPAddress: http://auth/\nrtspAuthMethods: [basic, digest]\n",
    key: "rtspAuthMethods",
    line: 3,
    reason: /needs authMethod "internal"/,
  },
  {
    name: "digest with hashed credentials",
    yaml:
      "rtspAuthMethods: [digest]\nauthInternalUsers:\n- user: sha256:j1tsRqDEw9xvq/D7/9tMx6Jh/jMhk3UfjwIB2f1zgMo=\n" +
      "  pass: sha256:BdSWkrdV+ZxFBLUQQY7+7uv9RmiSVA8nrPmjGjJtZQQ=\n  permissions: [{action: read}]\n",
    key: "authInternalUsers[0]",
    line: 3,
    reason: /hashed credentials/,
  },
  {
    name: "any with a password",
    yaml: "authInternalUsers:\n- user: any\n  pass: secret\n",
    key: "authInternalUsers[0].pass",
    line: 2,
    reason: /must be empty when user is "any"/,
  },
  {
    name: "empty user",
    yaml: "authInternalUsers:\n- pass: secret\n  permissions: []\n",
    key: "authInternalUsers[0].user",
    line: 2,
    reason: /must not be empty/,
  },
  {
    name: "credential characters",
    yaml: "authInternalUsers:\n- user: bob\n  pass: 'pa ss'\n",
    key: "authInternalUsers[0].pass",
    line: 2,
    reason: /may only contain/,
  },
  {
    name: "permission action",
    yaml: "authInternalUsers:\n- user: any\n  permissions:\n  - action: watch\n",
    key: "authInternalUsers[0].permissions[0].action",
    line: 4,
    reason: /"watch" is not one of publish, read/,
  },
  {
    name: "permission regex",
    yaml: "authInternalUsers:\n- user: any\n  permissions:\n  - action: read\n    path: ~^cam(\n",
    key: "authInternalUsers[0].permissions[0].path",
    line: 5,
    reason: /invalid regular expression/,
  },
  {
    name: "bad IP",
    yaml: "authInternalUsers:\n- user: any\n  ips: [10.0.0.0/33]\n",
    key: "authInternalUsers[0].ips[0]",
    line: 3,
    reason: /not an IP address or CIDR/,
  },
  {
    name: "unknown user key",
    yaml: "authInternalUsers:\n- user: any\n  password: x\n",
    key: "authInternalUsers[0].password",
    line: 3,
    reason: /unknown key "password"; did you mean "pass"\?/,
  },
  // unknown keys
  {
    name: "misspelt global key",
    yaml: "logLevel: info\nrtspAdress: :8554\n",
    key: "rtspAdress",
    line: 2,
    reason: /unknown key "rtspAdress"; did you mean "rtspAddress"\?/,
  },
  {
    name: "wrong case",
    yaml: "rtspaddress: :8554\n",
    key: "rtspaddress",
    line: 1,
    reason: /did you mean "rtspAddress"\?/,
  },
  { name: "unrelated key", yaml: "colour: blue\n", key: "colour", line: 1, reason: /^unknown key "colour"$/ },
  {
    name: "misspelt path key",
    yaml: "paths:\n  cam:\n    sorce: publisher\n",
    key: "paths.cam.sorce",
    line: 3,
    reason: /did you mean "source"\?/,
  },
  {
    name: "misspelt pathDefaults key",
    yaml: "pathDefaults:\n  maxReader: 3\n",
    key: "pathDefaults.maxReader",
    line: 2,
    reason: /did you mean "maxReaders"\?/,
  },
  // paths
  {
    name: "path starting with /",
    yaml: "paths:\n  /cam:\n",
    key: 'paths["/cam"]',
    line: 2,
    reason: /begin with a slash/,
  },
  { name: "dot-dot segment", yaml: "paths:\n  a/../b:\n", key: 'paths["a/../b"]', line: 2, reason: /'\.\.'/ },
  {
    name: "space in name",
    yaml: "paths:\n  'my cam':\n",
    key: 'paths["my cam"]',
    line: 2,
    reason: /only letters/,
  },
  {
    name: "bad regex",
    yaml: "paths:\n  ~^cam(:\n",
    key: 'paths["~^cam("]',
    line: 2,
    reason: /invalid regular expression.*JavaScript/,
  },
  {
    name: "static source on regex path",
    yaml: "paths:\n  ~^cam(\\d+)$:\n    source: rtsp://10.0.0.$G1/live\n",
    key: 'paths["~^cam(\\\\d+)$"].sourceOnDemand',
    line: 2,
    reason: /must set sourceOnDemand/,
  },
  {
    name: "static source on all_others",
    yaml: "paths:\n  all_others:\n    source: rtsp://cam/live\n    sourceOnDemand: no\n",
    key: "paths.all_others.sourceOnDemand",
    line: 4,
    reason: /must set sourceOnDemand/,
  },
  {
    name: "unknown source scheme",
    yaml: "paths:\n  cam:\n    source: ftp://cam/live\n",
    key: "paths.cam.source",
    line: 3,
    reason: /is not "publisher", "redirect" or a URL starting with rtsp:\/\//,
  },
  {
    name: "misspelt publisher",
    yaml: "pathDefaults:\n  source: publish\n",
    key: "pathDefaults.source",
    line: 2,
    reason: /"publish" is not "publisher"/,
  },
  {
    name: "user without password",
    yaml: "paths:\n  cam:\n    source: rtsp://admin@cam/live\n",
    key: "paths.cam.source",
    line: 3,
    reason: /both user and password/,
  },
  {
    name: "redirect without target",
    yaml: "paths:\n  old:\n    source: redirect\n",
    key: "paths.old.sourceRedirect",
    line: 2,
    reason: /must be set when source is "redirect"/,
  },
  {
    name: "redirect to http",
    yaml: "paths:\n  old:\n    source: redirect\n    sourceRedirect: http://x/y\n",
    key: "paths.old.sourceRedirect",
    line: 4,
    reason: /neither "\/<path>" nor an rtsp:\/\/ URL/,
  },
  {
    name: "fallback to a bad path",
    yaml: "paths:\n  cam:\n    fallback: /bad/\n",
    key: "paths.cam.fallback",
    line: 3,
    reason: /end with a slash/,
  },
  {
    name: "clock range start",
    yaml: "paths:\n  cam:\n    rtspRangeType: clock\n    rtspRangeStart: yesterday\n",
    key: "paths.cam.rtspRangeStart",
    line: 4,
    reason: /20230812T120000Z/,
  },
  {
    name: "npt range start",
    yaml: "paths:\n  cam:\n    rtspRangeType: npt\n    rtspRangeStart: 10\n",
    key: "paths.cam.rtspRangeStart",
    line: 4,
    reason: /missing unit/,
  },
  {
    name: "port range without a pair",
    yaml: "pathDefaults:\n  rtspUDPSourcePortRange: [5001, 5001]\n",
    key: "pathDefaults.rtspUDPSourcePortRange",
    line: 2,
    reason: /no even\/odd port pair/,
  },
  {
    name: "port range of three",
    yaml: "pathDefaults:\n  rtspUDPSourcePortRange: [1, 2, 3]\n",
    key: "pathDefaults.rtspUDPSourcePortRange",
    line: 2,
    reason: /two ports/,
  },
  {
    name: "fingerprint with colons",
    yaml: "paths:\n  cam:\n    sourceFingerprint: 'AB:CD'\n",
    key: "paths.cam.sourceFingerprint",
    line: 3,
    reason: /64 hex digits/,
  },
  {
    name: "negative readers",
    yaml: "pathDefaults:\n  maxReaders: -1\n",
    key: "pathDefaults.maxReaders",
    line: 2,
    reason: /range/,
  },
  {
    name: "boolean word",
    yaml: "paths:\n  cam:\n    sourceOnDemand: maybe\n",
    key: "paths.cam.sourceOnDemand",
    line: 3,
    reason: /expected a boolean/,
  },
  {
    name: "zero retry pause",
    yaml: "pathDefaults:\n  sourceRetryPause: 0s\n",
    key: "pathDefaults.sourceRetryPause",
    line: 2,
    reason: /greater than zero/,
  },
  {
    name: "rtsp transport word",
    yaml: "paths:\n  cam:\n    rtspTransport: http\n",
    key: "paths.cam.rtspTransport",
    line: 3,
    reason: /automatic, udp, multicast, tcp/,
  },
  // structure
  { name: "paths as a list", yaml: "paths: [cam]\n", key: "paths", line: 1, reason: /expected a mapping/ },
  {
    name: "path as a word",
    yaml: "paths:\n  cam: publisher\n",
    key: "paths.cam",
    line: 2,
    reason: /expected a mapping/,
  },
  { name: "file as a list", yaml: "- a\n- b\n", key: "", line: 1, reason: /must be a YAML mapping/ },
  {
    name: "two catch-all paths",
    yaml: "paths:\n  all:\n  all_others:\n",
    key: "paths.all_others",
    line: 3,
    reason: /same catch-all path/,
  },
  {
    name: "YAML syntax",
    yaml: "logLevel: info\nrtspTransports: [udp,\nrtspAddress: :8554\n",
    key: "",
    line: 3,
    reason: /YAML syntax error/,
  },
  {
    name: "duplicate key",
    yaml: "logLevel: info\nlogLevel: debug\n",
    key: "",
    line: 2,
    reason: /YAML syntax error.*unique/,
  },
];

Deno.test("each invalid config names the key, the file and the line", async (t) => {
  for (const bad of BAD) {
    await t.step(bad.name, () => {
      const error = configError(() => parse(bad.yaml));
      equal(error.key, bad.key);
      const reason = error.message.replace(/^Invalid configuration: /, "").replace(/ \([^()]*\)$/, "");
      match(reason.startsWith(`${bad.key}: `) ? reason.slice(bad.key.length + 2) : reason, bad.reason);
      if (bad.line === 0) {
        // A default that became invalid because of another key: no line to point at.
        equal(error.line, undefined);
        return;
      }
      equal(error.file, "mediamtx.yml");
      equal(error.line, bad.line);
      const prefix = bad.key === "" ? "Invalid configuration: " : `Invalid configuration: ${bad.key}: `;
      equal(error.message.startsWith(prefix), true, error.message);
      equal(error.message.endsWith(`(mediamtx.yml:${bad.line})`), true, error.message);
    });
  }
});

Deno.test("the error message reads as documented", () => {
  const error = configError(() => parse("logLevel: info\nrtspTransports: [udp, quic]\n"));
  equal(
    error.message,
    'Invalid configuration: rtspTransports[1]: "quic" is not one of udp, multicast, tcp (mediamtx.yml:2)',
  );
});
