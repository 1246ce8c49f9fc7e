import { equal } from "node:assert/strict";
import { formatFloat, formatMetrics, parseMetricsFilter } from "../../../src/metrics/mod.ts";
import { parsePrometheusText } from "../../_helpers/prometheus.ts";
import { apiConn, apiPath, apiSession, fakeStatus } from "./_fake_status.ts";

const C1 = "18294761-f9d1-4ea9-9a35-fe265b62eb41";
const S1 = "124b22ce-9c34-4387-b045-44caf98049f7";
const S2 = "f47ac10b-58cc-4372-a567-0e02b2c3d479";

const EMPTY_PATHS = "# Paths\npaths 0\npaths_inbound_bytes 0\npaths_outbound_bytes 0\n" +
  "paths_inbound_frames_in_error 0\n\n" +
  "# Paths (deprecated)\npaths_bytes_received 0\npaths_bytes_sent 0\npaths_readers 0\n\n";

function emptyConns(p: string, title: string): string {
  return `# ${title} connections\n${p}_conns 0\n${p}_conns_inbound_bytes 0\n${p}_conns_outbound_bytes 0\n\n` +
    `# ${title} connections (deprecated)\n${p}_conns_bytes_received 0\n${p}_conns_bytes_sent 0\n\n`;
}

function emptySessions(p: string, title: string): string {
  const s = `${p}_sessions`;
  return `# ${title} sessions\n${s} 0\n${s}_inbound_bytes 0\n${s}_inbound_rtp_packets 0\n` +
    `${s}_inbound_rtp_packets_lost 0\n${s}_inbound_rtp_packets_in_error 0\n${s}_inbound_rtp_packets_jitter 0\n` +
    `${s}_inbound_rtcp_packets 0\n${s}_inbound_rtcp_packets_in_error 0\n${s}_outbound_bytes 0\n` +
    `${s}_outbound_rtp_packets 0\n${s}_outbound_rtp_packets_reported_lost 0\n` +
    `${s}_outbound_rtp_packets_discarded 0\n${s}_outbound_rtcp_packets 0\n\n` +
    `# ${title} sessions (deprecated)\n${s}_bytes_received 0\n${s}_bytes_sent 0\n${s}_rtp_packets_received 0\n` +
    `${s}_rtp_packets_sent 0\n${s}_rtp_packets_lost 0\n${s}_rtp_packets_in_error 0\n${s}_rtp_packets_jitter 0\n` +
    `${s}_rtcp_packets_received 0\n${s}_rtcp_packets_sent 0\n${s}_rtcp_packets_in_error 0\n\n`;
}

const MYPATH = apiPath("mypath", {
  ready: true,
  inboundBytes: 123,
  outboundBytes: 456,
  inboundFramesInError: 7,
  bytesReceived: 123,
  bytesSent: 456,
  readers: [
    { type: "rtspSession", id: "a" },
    { type: "rtspsSession", id: "b" },
    { type: "rtspSession", id: "c" },
  ],
});

const MYPATH_TEXT = "# Paths\n" +
  'paths{name="mypath",state="ready"} 1\n' +
  'paths_readers{name="mypath",readerType="rtspSession",state="ready"} 2\n' +
  'paths_readers{name="mypath",readerType="rtspsSession",state="ready"} 1\n' +
  'paths_inbound_bytes{name="mypath",state="ready"} 123\n' +
  'paths_outbound_bytes{name="mypath",state="ready"} 456\n' +
  'paths_inbound_frames_in_error{name="mypath",state="ready"} 7\n' +
  "\n" +
  "# Paths (deprecated)\n" +
  'paths_bytes_received{name="mypath",state="ready"} 123\n' +
  'paths_bytes_sent{name="mypath",state="ready"} 456\n' +
  "\n";

const CONN = apiConn(C1, { inboundBytes: 123, outboundBytes: 456, bytesReceived: 123, bytesSent: 456 });
const CONN_TEXT = "# RTSP connections\n" +
  `rtsp_conns{id="${C1}"} 1\n` +
  `rtsp_conns_inbound_bytes{id="${C1}"} 123\n` +
  `rtsp_conns_outbound_bytes{id="${C1}"} 456\n` +
  "\n" +
  "# RTSP connections (deprecated)\n" +
  `rtsp_conns_bytes_received{id="${C1}"} 123\n` +
  `rtsp_conns_bytes_sent{id="${C1}"} 456\n` +
  "\n";

const SESSION = apiSession(S1, {
  remoteAddr: "124.5.5.5:34542",
  state: "publish",
  path: "mypath",
  inboundBytes: 1,
  inboundRTPPackets: 2,
  inboundRTPPacketsLost: 3,
  inboundRTPPacketsInError: 4,
  inboundRTPPacketsJitter: 12.5,
  inboundRTCPPackets: 6,
  inboundRTCPPacketsInError: 7,
  outboundBytes: 8,
  outboundRTPPackets: 9,
  outboundRTPPacketsReportedLost: 10,
  outboundRTPPacketsDiscarded: 11,
  outboundRTCPPackets: 12,
  bytesReceived: 1,
  bytesSent: 8,
  rtpPacketsReceived: 2,
  rtpPacketsSent: 9,
  rtpPacketsLost: 3,
  rtpPacketsInError: 4,
  rtpPacketsJitter: 12.5,
  rtcpPacketsReceived: 6,
  rtcpPacketsSent: 12,
  rtcpPacketsInError: 7,
});
const L = `{id="${S1}",path="mypath",remoteAddr="124.5.5.5:34542",state="publish"}`;
const SESSION_TEXT = "# RTSP sessions\n" +
  `rtsp_sessions${L} 1\n` +
  `rtsp_sessions_inbound_bytes${L} 1\n` +
  `rtsp_sessions_inbound_rtp_packets${L} 2\n` +
  `rtsp_sessions_inbound_rtp_packets_lost${L} 3\n` +
  `rtsp_sessions_inbound_rtp_packets_in_error${L} 4\n` +
  `rtsp_sessions_inbound_rtp_packets_jitter${L} 12.5\n` +
  `rtsp_sessions_inbound_rtcp_packets${L} 6\n` +
  `rtsp_sessions_inbound_rtcp_packets_in_error${L} 7\n` +
  `rtsp_sessions_outbound_bytes${L} 8\n` +
  `rtsp_sessions_outbound_rtp_packets${L} 9\n` +
  `rtsp_sessions_outbound_rtp_packets_reported_lost${L} 10\n` +
  `rtsp_sessions_outbound_rtp_packets_discarded${L} 11\n` +
  `rtsp_sessions_outbound_rtcp_packets${L} 12\n` +
  "\n" +
  "# RTSP sessions (deprecated)\n" +
  `rtsp_sessions_bytes_received${L} 1\n` +
  `rtsp_sessions_bytes_sent${L} 8\n` +
  `rtsp_sessions_rtp_packets_received${L} 2\n` +
  `rtsp_sessions_rtp_packets_sent${L} 9\n` +
  `rtsp_sessions_rtp_packets_lost${L} 3\n` +
  `rtsp_sessions_rtp_packets_in_error${L} 4\n` +
  `rtsp_sessions_rtp_packets_jitter${L} 12.5\n` +
  `rtsp_sessions_rtcp_packets_received${L} 6\n` +
  `rtsp_sessions_rtcp_packets_sent${L} 12\n` +
  `rtsp_sessions_rtcp_packets_in_error${L} 7\n` +
  "\n";

const FULL = fakeStatus({
  paths: [MYPATH],
  conns: [CONN],
  sessions: [SESSION],
  secureConns: [],
  secureSessions: [],
});
const FULL_TEXT = MYPATH_TEXT + CONN_TEXT + SESSION_TEXT + emptyConns("rtsps", "RTSPS") +
  emptySessions("rtsps", "RTSPS");

const cases: { name: string; status: ReturnType<typeof fakeStatus>; query?: string; text: string }[] = [
  {
    name: "empty server with RTSP and RTSPS: zero lines, paths_readers 0 under the deprecated header",
    status: fakeStatus({ conns: [], sessions: [], secureConns: [], secureSessions: [] }),
    text: EMPTY_PATHS + emptyConns("rtsp", "RTSP") + emptySessions("rtsp", "RTSP") +
      emptyConns("rtsps", "RTSPS") + emptySessions("rtsps", "RTSPS"),
  },
  {
    name: "RTSPS disabled (rtspEncryption: no): its blocks are left out",
    status: fakeStatus({ conns: [], sessions: [] }),
    text: EMPTY_PATHS + emptyConns("rtsp", "RTSP") + emptySessions("rtsp", "RTSP"),
  },
  {
    name: "rtsp: no: only paths",
    status: fakeStatus({}),
    text: EMPTY_PATHS,
  },
  {
    name: 'a path without readers: one paths_readers line with readerType=""',
    status: fakeStatus({ paths: [apiPath("cam")] }),
    text: "# Paths\n" +
      'paths{name="cam",state="notReady"} 1\n' +
      'paths_readers{name="cam",readerType="",state="notReady"} 0\n' +
      'paths_inbound_bytes{name="cam",state="notReady"} 0\n' +
      'paths_outbound_bytes{name="cam",state="notReady"} 0\n' +
      'paths_inbound_frames_in_error{name="cam",state="notReady"} 0\n\n' +
      "# Paths (deprecated)\n" +
      'paths_bytes_received{name="cam",state="notReady"} 0\n' +
      'paths_bytes_sent{name="cam",state="notReady"} 0\n\n',
  },
  { name: "readers of two types, conn, session, empty RTSPS", status: FULL, text: FULL_TEXT },
  { name: "type=paths", status: FULL, query: "type=paths", text: MYPATH_TEXT },
  { name: "type=rtsp_conns", status: FULL, query: "type=rtsp_conns", text: CONN_TEXT },
  { name: "type=rtsp_sessions", status: FULL, query: "type=rtsp_sessions", text: SESSION_TEXT },
  {
    name: "type=rtsps_sessions",
    status: FULL,
    query: "type=rtsps_sessions",
    text: emptySessions("rtsps", "RTSPS"),
  },
  { name: "unknown type: empty body", status: FULL, query: "type=nope", text: "" },
  { name: "type of a server we do not have: empty body", status: FULL, query: "type=hls_muxers", text: "" },
  {
    name: "path= selects one path and no other block",
    status: FULL,
    query: "path=mypath",
    text: MYPATH_TEXT,
  },
  {
    name: "path= matching nothing still writes the headers (non-empty list)",
    status: FULL,
    query: "path=other",
    text: "# Paths\n\n# Paths (deprecated)\n\n",
  },
  {
    name: "path= on an empty list: nothing, no zero lines",
    status: fakeStatus({ conns: [], sessions: [] }),
    query: "path=x",
    text: "",
  },
  { name: "rtsp_conn=", status: FULL, query: `rtsp_conn=${C1}`, text: CONN_TEXT },
  { name: "rtsp_session=", status: FULL, query: `rtsp_session=${S1}`, text: SESSION_TEXT },
  {
    name: "rtsp_session= and path= together",
    status: FULL,
    query: `rtsp_session=${S1}&path=mypath`,
    text: MYPATH_TEXT + SESSION_TEXT,
  },
  { name: "rtsps_session= on an empty list: nothing", status: FULL, query: `rtsps_session=${S1}`, text: "" },
  { name: "a selector of a server we do not have: empty body", status: FULL, query: "hls_muxer=x", text: "" },
  { name: "type and selector disagree: empty body", status: FULL, query: "type=paths&rtsp_conn=x", text: "" },
];

for (const c of cases) {
  Deno.test(`formatMetrics: ${c.name}`, () => {
    const text = formatMetrics(c.status, parseMetricsFilter(new URLSearchParams(c.query ?? "")));
    equal(text, c.text);
    parsePrometheusText(text);
  });
}

Deno.test("formatMetrics: sessions of several paths in list order, labels sorted, RTSPS prefix", () => {
  const status = fakeStatus({
    paths: [],
    secureSessions: [
      apiSession(S2, { state: "read", path: "b", remoteAddr: "[::1]:5000", inboundRTPPacketsJitter: 0.25 }),
      apiSession(S1, { state: "idle" }),
    ],
  });
  const text = formatMetrics(status, parseMetricsFilter(new URLSearchParams("type=rtsps_sessions")));
  const lines = text.split("\n");
  equal(lines[0], "# RTSPS sessions");
  equal(lines[1], `rtsps_sessions{id="${S2}",path="b",remoteAddr="[::1]:5000",state="read"} 1`);
  equal(
    lines[6],
    `rtsps_sessions_inbound_rtp_packets_jitter{id="${S2}",path="b",remoteAddr="[::1]:5000",state="read"} 0.25`,
  );
  equal(lines[14], `rtsps_sessions{id="${S1}",path="",remoteAddr="127.0.0.1:40000",state="idle"} 1`);
  const samples = parsePrometheusText(text);
  equal(samples.length, 2 * (13 + 10));
});

Deno.test("formatFloat writes the shortest decimal without exponent, as Go's 'f', -1", () => {
  const table: [number, string][] = [
    [0, "0"],
    [12.5, "12.5"],
    [1 / 3, "0.3333333333333333"],
    [1e-7, "0.0000001"],
    [1.5e-10, "0.00000000015"],
    [123456789012345680000, "123456789012345680000"],
    [2.5e21, "2500000000000000000000"],
    [-3.25e-8, "-0.0000000325"],
    [NaN, "NaN"],
    [Infinity, "+Inf"],
  ];
  for (const [value, text] of table) equal(formatFloat(value), text, String(value));
});

Deno.test("label values that would break the text format are escaped", () => {
  const text = formatMetrics(
    fakeStatus({ paths: [apiPath('a"b\\c')] }),
    parseMetricsFilter(new URLSearchParams()),
  );
  equal(text.split("\n")[1], 'paths{name="a\\"b\\\\c",state="notReady"} 1');
  equal(parsePrometheusText(text)[0].labels.name, 'a"b\\c');
});
