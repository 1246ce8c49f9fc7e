import { equal } from "node:assert/strict";
import { type BadConfig, checkBadConfigs, configError, parse } from "./_helpers.ts";

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
    name: "UDP send threads beyond 8",
    yaml: "rtspUDPSendThreads: 9\n",
    key: "rtspUDPSendThreads",
    line: 1,
    reason: /out of range 1\.\.8/,
  },
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
];

Deno.test("each invalid global setting names the key, the file and the line", async (t) => {
  await checkBadConfigs(t, BAD);
});

Deno.test("the error message reads as documented", () => {
  const error = configError(() => parse("logLevel: info\nrtspTransports: [udp, quic]\n"));
  equal(
    error.message,
    'Invalid configuration: rtspTransports[1]: "quic" is not one of udp, multicast, tcp (mediamtx.yml:2)',
  );
});
