/**
 * RTSP messages as real clients send them: ffmpeg 5.1 (Lavf59.27.100) reading and publishing,
 * GStreamer 1.22 rtspsrc and rtspclientsink, and the answers of a MediaMTX-like server.
 * `canonical` cases are byte-identical to what our formatter produces (CRLF, `Name: value`,
 * Content-Length last), so they are checked both ways.
 */

/** A message in plain form, for comparing with what the framer returns. */
export type PlainMessage =
  | { kind: "request"; method: string; url: string; headers: [string, string][]; body: string }
  | { kind: "response"; statusCode: number; reason: string; headers: [string, string][]; body: string };

/** One table row. */
export interface MessageCase {
  name: string;
  raw: string;
  value: PlainMessage;
  canonical: boolean;
}

const FFMPEG_UA = "Lavf59.27.100";
const GST_UA = "GStreamer/1.22.0";
const SESSION = "4f0b8d5c2e1a4b7f9c3d6e8f0a1b2c3d";

/** SDP ffmpeg 5.1 announces when publishing H264 + AAC (`-f rtsp`). */
export const FFMPEG_SDP = "v=0\r\n" +
  "o=- 0 0 IN IP4 127.0.0.1\r\n" +
  "s=No Name\r\n" +
  "c=IN IP4 127.0.0.1\r\n" +
  "t=0 0\r\n" +
  "a=tool:libavformat 59.27.100\r\n" +
  "m=video 0 RTP/AVP 96\r\n" +
  "a=rtpmap:96 H264/90000\r\n" +
  "a=fmtp:96 packetization-mode=1; sprop-parameter-sets=Z2QAH6zZQFAFuhAAAAMAEAAAAwPI8YMZYA==,aOvjyyLA; " +
  "profile-level-id=64001F\r\n" +
  "a=control:streamid=0\r\n" +
  "m=audio 0 RTP/AVP 97\r\n" +
  "b=AS:128\r\n" +
  "a=rtpmap:97 MPEG4-GENERIC/44100/2\r\n" +
  "a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3; config=121056E500\r\n" +
  "a=control:streamid=1\r\n";

/** SDP GStreamer 1.22 rtspclientsink announces (one H264 media, `stream=0` control). */
export const GST_SDP = "v=0\r\n" +
  "o=- 1188340656180883 1 IN IP4 127.0.0.1\r\n" +
  "s=Session streamed with GStreamer\r\n" +
  "i=rtsp-server\r\n" +
  "t=0 0\r\n" +
  "a=tool:GStreamer\r\n" +
  "a=type:broadcast\r\n" +
  "m=video 0 RTP/AVP 96\r\n" +
  "c=IN IP4 0.0.0.0\r\n" +
  "a=rtpmap:96 H264/90000\r\n" +
  "a=framerate:30\r\n" +
  "a=fmtp:96 packetization-mode=1;profile-level-id=42c01f;sprop-parameter-sets=Z0LAH9kAUAW7ARAAAAMAEAAAAwPA8YMkgA==,aMuDyyA=\r\n" +
  "a=control:stream=0\r\n";

function request(
  name: string,
  method: string,
  url: string,
  headers: [string, string][],
  body = "",
): MessageCase {
  const all: [string, string][] = body === ""
    ? headers
    : [...headers, ["Content-Length", String(new TextEncoder().encode(body).length)]];
  const raw = `${method} ${url} RTSP/1.0\r\n${all.map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n${body}`;
  return { name, raw, value: { kind: "request", method, url, headers: all, body }, canonical: true };
}

function response(
  name: string,
  statusCode: number,
  reason: string,
  headers: [string, string][],
  body = "",
): MessageCase {
  const all: [string, string][] = body === ""
    ? headers
    : [...headers, ["Content-Length", String(new TextEncoder().encode(body).length)]];
  const raw = `RTSP/1.0 ${statusCode} ${reason}\r\n${
    all.map(([k, v]) => `${k}: ${v}\r\n`).join("")
  }\r\n${body}`;
  return { name, raw, value: { kind: "response", statusCode, reason, headers: all, body }, canonical: true };
}

const BASE = "rtsp://127.0.0.1:8554/mystream";

/** ffmpeg 5.1 reading (`ffmpeg -i rtsp://…`), UDP. */
export const FFMPEG_READ: MessageCase[] = [
  request("ffmpeg 5.1 OPTIONS", "OPTIONS", BASE, [["CSeq", "1"], ["User-Agent", FFMPEG_UA]]),
  request("ffmpeg 5.1 DESCRIBE", "DESCRIBE", BASE, [
    ["Accept", "application/sdp"],
    ["CSeq", "2"],
    ["User-Agent", FFMPEG_UA],
  ]),
  request("ffmpeg 5.1 SETUP udp", "SETUP", `${BASE}/trackID=0`, [
    ["Transport", "RTP/AVP/UDP;unicast;client_port=5000-5001"],
    ["CSeq", "3"],
    ["User-Agent", FFMPEG_UA],
  ]),
  request("ffmpeg 5.1 PLAY", "PLAY", `${BASE}/`, [
    ["Range", "npt=0.000-"],
    ["CSeq", "4"],
    ["User-Agent", FFMPEG_UA],
    ["Session", SESSION],
  ]),
  request("ffmpeg 5.1 TEARDOWN", "TEARDOWN", `${BASE}/`, [
    ["CSeq", "5"],
    ["User-Agent", FFMPEG_UA],
    ["Session", SESSION],
  ]),
];

/** ffmpeg 5.1 publishing (`ffmpeg -re -i in.mp4 -c copy -f rtsp rtsp://…`), UDP. */
export const FFMPEG_PUBLISH: MessageCase[] = [
  request("ffmpeg 5.1 ANNOUNCE", "ANNOUNCE", BASE, [
    ["Content-Type", "application/sdp"],
    ["CSeq", "2"],
    ["User-Agent", FFMPEG_UA],
  ], FFMPEG_SDP),
  request("ffmpeg 5.1 SETUP record", "SETUP", `${BASE}/streamid=0`, [
    ["Transport", "RTP/AVP/UDP;unicast;client_port=5000-5001;mode=record"],
    ["CSeq", "3"],
    ["User-Agent", FFMPEG_UA],
  ]),
  request("ffmpeg 5.1 SETUP record second media", "SETUP", `${BASE}/streamid=1`, [
    ["Transport", "RTP/AVP/UDP;unicast;client_port=5002-5003;mode=record"],
    ["CSeq", "4"],
    ["User-Agent", FFMPEG_UA],
    ["Session", SESSION],
  ]),
  request("ffmpeg 5.1 RECORD", "RECORD", BASE, [
    ["Range", "npt=0.000-"],
    ["CSeq", "5"],
    ["User-Agent", FFMPEG_UA],
    ["Session", SESSION],
  ]),
];

/** GStreamer 1.22 rtspsrc reading (transport list, then TCP fallback). */
export const GST_READ: MessageCase[] = [
  request("GStreamer 1.22 rtspsrc OPTIONS", "OPTIONS", BASE, [["CSeq", "1"], ["User-Agent", GST_UA]]),
  request("GStreamer 1.22 rtspsrc DESCRIBE", "DESCRIBE", BASE, [
    ["CSeq", "2"],
    ["User-Agent", GST_UA],
    ["Accept", "application/sdp"],
    ["Date", "Tue, 24 Nov 2026 10:00:00 GMT"],
  ]),
  request("GStreamer 1.22 rtspsrc SETUP list", "SETUP", `${BASE}/trackID=0`, [
    ["CSeq", "3"],
    ["User-Agent", GST_UA],
    ["Transport", "RTP/AVP;unicast;client_port=45678-45679,RTP/AVP/TCP;unicast;interleaved=0-1"],
    ["Date", "Tue, 24 Nov 2026 10:00:00 GMT"],
  ]),
  request("GStreamer 1.22 rtspsrc PLAY", "PLAY", `${BASE}/`, [
    ["CSeq", "4"],
    ["User-Agent", GST_UA],
    ["Range", "npt=0-"],
    ["Session", SESSION],
    ["Date", "Tue, 24 Nov 2026 10:00:00 GMT"],
  ]),
  request("GStreamer 1.22 rtspsrc GET_PARAMETER keepalive", "GET_PARAMETER", `${BASE}/`, [
    ["CSeq", "5"],
    ["User-Agent", GST_UA],
    ["Session", SESSION],
    ["Date", "Tue, 24 Nov 2026 10:00:55 GMT"],
  ]),
];

/** GStreamer 1.22 rtspclientsink publishing, with a query (token) in the URL. */
export const GST_PUBLISH: MessageCase[] = [
  request("GStreamer 1.22 rtspclientsink ANNOUNCE", "ANNOUNCE", `${BASE}?token=abc`, [
    ["Content-Type", "application/sdp"],
    ["CSeq", "2"],
    ["User-Agent", GST_UA],
    ["Date", "Tue, 24 Nov 2026 10:00:00 GMT"],
  ], GST_SDP),
  request("GStreamer 1.22 rtspclientsink SETUP", "SETUP", `${BASE}/stream=0?token=abc`, [
    ["CSeq", "3"],
    ["User-Agent", GST_UA],
    ["Transport", "RTP/AVP;unicast;client_port=55000-55001;mode=RECORD"],
    ["Date", "Tue, 24 Nov 2026 10:00:00 GMT"],
  ]),
  request("GStreamer 1.22 rtspclientsink RECORD", "RECORD", `${BASE}?token=abc`, [
    ["CSeq", "4"],
    ["User-Agent", GST_UA],
    ["Range", "npt=now-"],
    ["Session", SESSION],
    ["Date", "Tue, 24 Nov 2026 10:00:00 GMT"],
  ]),
];

/** Server answers, as a MediaMTX-like server writes them. */
export const SERVER_RESPONSES: MessageCase[] = [
  response("OPTIONS answer", 200, "OK", [
    ["CSeq", "1"],
    ["Public", "DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, GET_PARAMETER, TEARDOWN"],
    ["Server", "gortsplib"],
  ]),
  response(
    "DESCRIBE answer",
    200,
    "OK",
    [
      ["CSeq", "2"],
      ["Content-Base", `${BASE}/`],
      ["Content-Type", "application/sdp"],
      ["Server", "gortsplib"],
    ],
    "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=Stream\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n" +
      "a=control:trackID=0\r\na=rtpmap:96 H264/90000\r\n",
  ),
  response("SETUP answer", 200, "OK", [
    ["CSeq", "3"],
    ["Server", "gortsplib"],
    ["Session", `${SESSION};timeout=55`],
    ["Transport", "RTP/AVP;unicast;client_port=5000-5001;server_port=8000-8001;ssrc=4BC7C2A4"],
  ]),
  response("PLAY answer", 200, "OK", [
    ["CSeq", "4"],
    ["RTP-Info", `url=${BASE}/trackID=0;seq=18544;rtptime=2893047232`],
    ["Server", "gortsplib"],
    ["Session", `${SESSION};timeout=55`],
  ]),
  response("401 with two challenges", 401, "Unauthorized", [
    ["CSeq", "2"],
    ["WWW-Authenticate", 'Basic realm="ipcam"'],
    ["WWW-Authenticate", 'Digest realm="ipcam", nonce="0f9a8e3d7c6b5a4f3e2d1c0b9a8f7e6d", algorithm="MD5"'],
  ]),
  response("461 answer", 461, "Unsupported Transport", [["CSeq", "3"], ["Server", "gortsplib"]]),
];

/** Every canonical case, in an order a single connection could carry them. */
export const ALL_CASES: MessageCase[] = [
  ...FFMPEG_READ,
  ...FFMPEG_PUBLISH,
  ...GST_READ,
  ...GST_PUBLISH,
  ...SERVER_RESPONSES,
];
