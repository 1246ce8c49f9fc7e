/**
 * SDPs in the shape real publishers and cameras send them, named after the device
 * or client, with what the server must read from each. Used by real_world_test.ts
 * and as the seed corpus of fuzz_test.ts.
 */

import assert from "node:assert/strict";
import { fmtp, type SessionDescription } from "../../../../src/wire/sdp/mod.ts";

/** What the server must read from one media. */
export interface MediaExpectation {
  type: string;
  protocol: string;
  codec: string;
  clockRate: number;
  control?: string;
}

/** One device SDP. */
export interface RealWorldCase {
  name: string;
  raw: string;
  medias: MediaExpectation[];
  check?: (sd: SessionDescription) => void;
}

/** Lines joined with CRLF, the usual RTSP body form. */
const crlf = (...lines: string[]) => lines.join("\r\n") + "\r\n";

export const REAL_WORLD_SDPS: RealWorldCase[] = [
  {
    name: "ffmpeg 5.1 ANNOUNCE, H.264 + MPEG4-GENERIC AAC",
    raw: crlf(
      "v=0",
      "o=- 0 0 IN IP4 127.0.0.1",
      "s=No Name",
      "c=IN IP4 127.0.0.1",
      "t=0 0",
      "a=tool:libavformat 59.27.100",
      "m=video 0 RTP/AVP 96",
      "b=AS:1200",
      "a=rtpmap:96 H264/90000",
      "a=fmtp:96 packetization-mode=1; sprop-parameter-sets=Z2QAHqzZQLQ9sBEAAAMAAQAAAwAyDxYtlg==,aOvjyyLA; profile-level-id=64001E",
      "a=control:streamid=0",
      "m=audio 0 RTP/AVP 97",
      "b=AS:128",
      "a=rtpmap:97 MPEG4-GENERIC/44100/2",
      "a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3; config=1210",
      "a=control:streamid=1",
    ),
    medias: [
      { type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000, control: "streamid=0" },
      { type: "audio", protocol: "RTP/AVP", codec: "MPEG4-GENERIC", clockRate: 44100, control: "streamid=1" },
    ],
    check: (sd) => {
      assert.equal(sd.sessionName, "No Name");
      assert.deepEqual(sd.origin, {
        username: "-",
        sessionId: "0",
        sessionVersion: "0",
        netType: "IN",
        addrType: "IP4",
        address: "127.0.0.1",
      });
      const h264 = fmtp(sd.medias[0], 96);
      assert.equal(h264.get("sprop-parameter-sets"), "Z2QAHqzZQLQ9sBEAAAMAAQAAAwAyDxYtlg==,aOvjyyLA");
      assert.equal(h264.get("packetization-mode"), "1");
      assert.equal(fmtp(sd.medias[1], 97).get("config"), "1210");
    },
  },
  {
    name: "GStreamer 1.22 rtspclientsink ANNOUNCE",
    raw: crlf(
      "v=0",
      "o=- 1188340656180883 1 IN IP4 127.0.0.1",
      "s=Session streamed with GStreamer",
      "i=rtsp-server",
      "t=0 0",
      "a=tool:GStreamer",
      "a=type:broadcast",
      "m=video 0 RTP/AVP 96",
      "c=IN IP4 127.0.0.1",
      "a=rtpmap:96 H264/90000",
      "a=framerate:30",
      "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z2QAKKzZQHgCJ+XARAAAAwBAAAAPI8YMZYA=,aOvjyyLA;profile-level-id=640028;level-asymmetry-allowed=1",
      "a=ts-refclk:local",
      "a=mediaclk:sender",
      "a=control:stream=0",
    ),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000, control: "stream=0" }],
    check: (sd) => {
      assert.equal(sd.origin.sessionId, "1188340656180883");
      assert.equal(sd.info, "rtsp-server");
      assert.equal(sd.medias[0].connection, "IN IP4 127.0.0.1");
      assert.equal(fmtp(sd.medias[0], 96).get("level-asymmetry-allowed"), "1");
    },
  },
  {
    name: "Hikvision-style camera DESCRIBE (literal x.y.z.w origin, e=, metadata track)",
    raw: crlf(
      "v=0",
      "o=- 1109162014219182 1109162014219192 IN IP4 x.y.z.w",
      "s=Media Presentation",
      "e=NONE",
      "b=AS:5050",
      "t=0 0",
      "a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/?transportmode=unicast",
      "m=video 0 RTP/AVP 96",
      "c=IN IP4 0.0.0.0",
      "b=AS:5000",
      "a=recvonly",
      "a=x-dimensions:1920,1080",
      "a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast",
      "a=rtpmap:96 H264/90000",
      "a=fmtp:96 profile-level-id=420029; packetization-mode=1; sprop-parameter-sets=Z00AKpY1QPAET8s3AQEBAg==,aO48gA==",
      "m=application 0 RTP/AVP 107",
      "c=IN IP4 0.0.0.0",
      "b=AS:50",
      "a=recvonly",
      "a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=4?transportmode=unicast",
      "a=rtpmap:107 isapi.metadata/90000",
      "a=Media_header:MEDIAINFO=494D4B48010100000400000100000000000000000000000000000000000000000000000000000000;",
      "a=appversion:1.0",
    ),
    medias: [
      {
        type: "video",
        protocol: "RTP/AVP",
        codec: "H264",
        clockRate: 90000,
        control: "rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast",
      },
      {
        type: "application",
        protocol: "RTP/AVP",
        codec: "ISAPI.METADATA",
        clockRate: 90000,
        control: "rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=4?transportmode=unicast",
      },
    ],
    check: (sd) => {
      assert.equal(sd.origin.address, "x.y.z.w");
      assert.deepEqual(sd.bandwidths, ["AS:5050"]);
      assert.deepEqual(sd.medias[0].bandwidths, ["AS:5000"]);
      assert.deepEqual(sd.medias[0].attributes[0], { key: "recvonly" });
    },
  },
  {
    name: "Axis-style camera DESCRIBE (session control, range, transform)",
    raw: crlf(
      "v=0",
      "o=- 15790238245375282046 1 IN IP4 192.168.0.90",
      "s=Session streamed with GStreamer",
      "i=rtsp-server",
      "t=0 0",
      "a=tool:GStreamer",
      "a=type:broadcast",
      "a=range:npt=now-",
      "a=control:rtsp://192.168.0.90/axis-media/media.amp?videocodec=h264",
      "m=video 0 RTP/AVP 96",
      "c=IN IP4 0.0.0.0",
      "b=AS:50000",
      "a=rtpmap:96 H264/90000",
      "a=fmtp:96 packetization-mode=1;profile-level-id=4d0029;sprop-parameter-sets=Z00AKeKQCgC3YC3AQEBpB4kRUA==,aO48gA==",
      "a=ts-refclk:local",
      "a=mediaclk:sender",
      "a=recvonly",
      "a=control:rtsp://192.168.0.90/axis-media/media.amp/stream=0?videocodec=h264",
      "a=framerate:30.000000",
      "a=transform:1.000000,0.000000,0.000000;0.000000,1.000000,0.000000;0.000000,0.000000,1.000000",
    ),
    medias: [
      {
        type: "video",
        protocol: "RTP/AVP",
        codec: "H264",
        clockRate: 90000,
        control: "rtsp://192.168.0.90/axis-media/media.amp/stream=0?videocodec=h264",
      },
    ],
    check: (sd) => {
      assert.equal(sd.origin.sessionId, "15790238245375282046", "larger than 2^63: kept as a string");
    },
  },
  {
    name: "H.265 camera (Dahua-style, a=control:* at session level)",
    raw: crlf(
      "v=0",
      "o=- 2253086480 2253086480 IN IP4 0.0.0.0",
      "s=Media Server",
      "c=IN IP4 0.0.0.0",
      "t=0 0",
      "a=control:*",
      "a=packetization-supported:DH",
      "a=rtppayload-supported:DH",
      "a=range:npt=now-",
      "m=video 0 RTP/AVP 98",
      "a=control:trackID=0",
      "a=framerate:25.000000",
      "a=rtpmap:98 H265/90000",
      "a=fmtp:98 profile-id=1;sprop-sps=QgEBAWAAAAMAsAAAAwAAAwB7oAPAgBDlja5JMvTcBAQEAg==;sprop-pps=RAHA8vA8kAA=;sprop-vps=QAEMAf//AWAAAAMAsAAAAwAAAwB7rAk=",
      "a=recvonly",
    ),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H265", clockRate: 90000, control: "trackID=0" }],
    check: (sd) => {
      assert.deepEqual(sd.attributes[0], { key: "control", value: "*" });
      assert.equal(fmtp(sd.medias[0], 98).get("SPROP-VPS"), "QAEMAf//AWAAAAMAsAAAAwAAAwB7rAk=");
    },
  },
  {
    name: "ffmpeg Opus publisher (opus/48000/2, sprop-stereo)",
    raw: crlf(
      "v=0",
      "o=- 0 0 IN IP4 127.0.0.1",
      "s=No Name",
      "t=0 0",
      "a=tool:libavformat 60.16.100",
      "m=audio 0 RTP/AVP 97",
      "a=rtpmap:97 opus/48000/2",
      "a=fmtp:97 sprop-stereo=1",
      "a=control:streamid=0",
    ),
    medias: [{ type: "audio", protocol: "RTP/AVP", codec: "OPUS", clockRate: 48000, control: "streamid=0" }],
    check: (sd) => assert.equal(fmtp(sd.medias[0], 97).get("sprop-stereo"), "1"),
  },
  {
    name: "MPEG-TS over RTP with the static payload type 33",
    raw: crlf(
      "v=0",
      "o=- 1 1 IN IP4 10.0.0.2",
      "s=TS",
      "t=0 0",
      "m=video 0 RTP/AVP 33",
      "a=control:trackID=1",
    ),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "MP2T", clockRate: 90000, control: "trackID=1" }],
  },
  {
    name: "encoder writing MP2T in the m= protocol",
    raw: crlf(
      "v=0",
      "o=- 1 1 IN IP4 10.0.0.2",
      "s=TS",
      "t=0 0",
      "m=video 0 MP2T/H2221/UDP 33",
      "a=control:trackID=1",
    ),
    medias: [{
      type: "video",
      protocol: "MP2T/H2221/UDP",
      codec: "MP2T",
      clockRate: 90000,
      control: "trackID=1",
    }],
  },
  {
    name: "camera with G.711 static payload types and no rtpmap",
    raw: crlf(
      "v=0",
      "o=- 1 1 IN IP4 10.0.0.3",
      "s=Live",
      "t=0 0",
      "m=audio 0 RTP/AVP 0",
      "a=control:trackID=2",
      "m=audio 0 RTP/AVP 8",
      "a=control:trackID=3",
    ),
    medias: [
      { type: "audio", protocol: "RTP/AVP", codec: "PCMU", clockRate: 8000, control: "trackID=2" },
      { type: "audio", protocol: "RTP/AVP", codec: "PCMA", clockRate: 8000, control: "trackID=3" },
    ],
  },
  {
    name: "quirk: no v= line",
    raw: crlf(
      "o=- 0 0 IN IP4 10.0.0.4",
      "s=Stream",
      "t=0 0",
      "m=video 0 RTP/AVP 96",
      "a=rtpmap:96 H264/90000",
    ),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000 }],
    check: (sd) => assert.equal(sd.version, 0),
  },
  {
    name: "quirk: v=0 not at the start",
    raw: crlf(
      "o=- 0 0 IN IP4 10.0.0.4",
      "v=0",
      "s=Stream",
      "t=0 0",
      "m=video 0 RTP/AVP 96",
      "a=rtpmap:96 H264/90000",
    ),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000 }],
  },
  {
    name: "quirk: no s= line",
    raw: crlf("v=0", "o=- 0 0 IN IP4 10.0.0.4", "t=0 0", "m=video 0 RTP/AVP 96", "a=rtpmap:96 H264/90000"),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000 }],
    check: (sd) => assert.equal(sd.sessionName, ""),
  },
  {
    name: "quirk: empty s= line",
    raw: crlf(
      "v=0",
      "o=- 0 0 IN IP4 10.0.0.4",
      "s=",
      "t=0 0",
      "m=video 0 RTP/AVP 96",
      "a=rtpmap:96 H264/90000",
    ),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000 }],
    check: (sd) => assert.equal(sd.sessionName, ""),
  },
  {
    name: "quirk: hexadecimal origin numbers",
    raw: crlf(
      "v=0",
      "o=- 0x3a47b2a1 0x1 IN IP4 10.0.0.5",
      "s=HexCam",
      "t=0 0",
      "m=video 0 RTP/AVP 96",
      "a=rtpmap:96 H264/90000",
    ),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000 }],
    check: (sd) => {
      assert.equal(sd.origin.sessionId, "0x3a47b2a1");
      assert.equal(sd.origin.sessionVersion, "0x1");
    },
  },
  {
    name: "quirk: decimal fractions and more-than-64-bit origin numbers",
    raw: crlf(
      "v=0",
      "o=- 1606209213.584 184467440737095516160 IN IP4 10.0.0.6",
      "s=NVR",
      "t=0 0",
      "m=video 0 RTP/AVP 96",
      "a=rtpmap:96 H264/90000",
    ),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000 }],
    check: (sd) => {
      assert.equal(sd.origin.sessionId, "1606209213.584");
      assert.equal(sd.origin.sessionVersion, "184467440737095516160");
    },
  },
  {
    name: "quirk: origin without address (invalid origin)",
    raw: crlf("v=0", "o=- 1 1 IN IP4", "s=Cam", "t=0 0", "m=video 0 RTP/AVP 96", "a=rtpmap:96 H264/90000"),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000 }],
    check: (sd) => {
      assert.equal(sd.origin.sessionId, "1");
      assert.equal(sd.origin.address, "0.0.0.0");
    },
  },
  {
    name: "quirk: no o= line and no t= line",
    raw: crlf("v=0", "s=Minimal", "m=video 0 RTP/AVP 96", "a=rtpmap:96 H264/90000"),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000 }],
    check: (sd) => {
      assert.equal(sd.origin.username, "-");
      assert.deepEqual(sd.times, []);
    },
  },
  {
    name: "quirk: c= with an empty unicast address",
    raw: crlf(
      "v=0",
      "o=- 1 1 IN IP4 10.0.0.7",
      "s=Cam",
      "c=IN IP4 ",
      "t=0 0",
      "m=video 0 RTP/AVP 96",
      "c=IN IP4 ",
      "a=rtpmap:96 H264/90000",
    ),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000 }],
    check: (sd) => {
      assert.equal(sd.connection, "IN IP4");
      assert.equal(sd.medias[0].connection, "IN IP4");
    },
  },
  {
    name: "quirk: b=RS:0, b=RR:0 and b=TIAS bandwidths",
    raw: crlf(
      "v=0",
      "o=- 1 1 IN IP4 10.0.0.8",
      "s=Cam",
      "t=0 0",
      "m=audio 0 RTP/AVP 97",
      "b=RS:0",
      "b=RR:0",
      "b=TIAS:64000",
      "a=rtpmap:97 L16/16000/1",
    ),
    medias: [{ type: "audio", protocol: "RTP/AVP", codec: "L16", clockRate: 16000 }],
    check: (sd) => assert.deepEqual(sd.medias[0].bandwidths, ["RS:0", "RR:0", "TIAS:64000"]),
  },
  {
    name: "quirk: LF-only line ends and trailing whitespace",
    raw:
      "v=0 \no=- 1 1 IN IP4 10.0.0.9  \ns=Cam\t\nt=0 0\nm=video 0 RTP/AVP 96 \na=rtpmap:96 H264/90000  \na=control:trackID=0 \n",
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000, control: "trackID=0" }],
    check: (sd) => assert.equal(sd.sessionName, "Cam"),
  },
  {
    name: "quirk: CR-only line ends, a UTF-8 BOM and a trailing NUL",
    raw: "\uFEFFv=0\ro=- 1 1 IN IP4 10.0.0.9\rs=Cam\rt=0 0\rm=video 0 RTP/AVP 96\ra=rtpmap:96 H264/90000\r\0",
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000 }],
  },
  {
    name: "quirk: m= protocol UDP",
    raw: crlf("v=0", "o=- 1 1 IN IP4 10.0.0.10", "s=Cam", "t=0 0", "m=video 0 UDP 33"),
    medias: [{ type: "video", protocol: "UDP", codec: "MP2T", clockRate: 90000 }],
  },
  {
    name: "quirk: m= protocol RTP/AVP/TCP",
    raw: crlf(
      "v=0",
      "o=- 1 1 IN IP4 10.0.0.11",
      "s=Cam",
      "t=0 0",
      "m=video 0 RTP/AVP/TCP 96",
      "a=rtpmap:96 H264/90000",
    ),
    medias: [{ type: "video", protocol: "RTP/AVP/TCP", codec: "H264", clockRate: 90000 }],
  },
  {
    name: "quirk: mixed-case attribute keys, flags and duplicates",
    raw: crlf(
      "v=0",
      "o=- 1 1 IN IP4 10.0.0.12",
      "s=Cam",
      "t=0 0",
      "m=video 0 RTP/AVP 96",
      "a=RTPMAP:96 H264/90000",
      "a=rtpmap:96 H265/90000",
      "a=Control:trackID=1",
      "a=control:trackID=9",
      "a=sendonly",
      "a=rtcp-mux",
      "a=rtcp-mux",
    ),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000, control: "trackID=1" }],
    check: (sd) => {
      assert.deepEqual(sd.medias[0].attributes.filter((a) => a.key === "rtcp-mux"), [{ key: "rtcp-mux" }, {
        key: "rtcp-mux",
      }]);
      assert.equal(sd.medias[0].attributes[0].key, "RTPMAP", "the spelling is kept for formatting");
    },
  },
  {
    name: "quirk: non-numeric t= value (FLIR-style timing)",
    raw: crlf(
      "v=0",
      "o=- 1 1 IN IP4 10.0.0.13",
      "s=Thermal",
      "t=now-",
      "m=video 0 RTP/AVP 96",
      "a=rtpmap:96 H264/90000",
    ),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000 }],
    check: (sd) => assert.deepEqual(sd.times, ["now-"]),
  },
  {
    name: "quirk: username with spaces in o=",
    raw: crlf(
      "v=0",
      "o=RTSP Session 12 34 IN IP4 10.0.0.14",
      "s=Cam",
      "t=0 0",
      "m=video 0 RTP/AVP 96",
      "a=rtpmap:96 H264/90000",
    ),
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000 }],
    check: (sd) => {
      assert.equal(sd.origin.username, "RTSP Session");
      assert.equal(sd.origin.sessionId, "12");
    },
  },
  {
    name: "quirk: binary garbage lines between valid ones",
    raw: "v=0\r\n\x01\x02\x03garbage\r\no=- 1 1 IN IP4 10.0.0.15\r\n==\r\ns=Cam\r\n\xff\xfe\r\nt=0 0\r\n" +
      "m=video 0 RTP/AVP 96\r\nno equals sign here\r\na=rtpmap:96 H264/90000\r\n",
    medias: [{ type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000 }],
  },
  {
    name: "ONVIF camera with a back channel (sendonly audio)",
    raw: crlf(
      "v=0",
      "o=- 1 1 IN IP4 10.0.0.16",
      "s=Cam",
      "t=0 0",
      "m=video 0 RTP/AVP 96",
      "a=rtpmap:96 H264/90000",
      "a=control:track1",
      "a=recvonly",
      "m=audio 0 RTP/AVP 0",
      "a=control:track2",
      "a=sendonly",
    ),
    medias: [
      { type: "video", protocol: "RTP/AVP", codec: "H264", clockRate: 90000, control: "track1" },
      { type: "audio", protocol: "RTP/AVP", codec: "PCMU", clockRate: 8000, control: "track2" },
    ],
  },
  {
    name: "no m= line at all",
    raw: crlf("v=0", "o=- 1 1 IN IP4 10.0.0.17", "s=Empty", "t=0 0"),
    medias: [],
  },
];
