/**
 * The quirk corpus: SDP deviations seen from real cameras and NVRs (vendor-named below),
 * reproduced as facts with made-up addresses and values.
 */

import assert from "node:assert/strict";
import type { RealWorldCase } from "./_real_world_sdps.ts";

const crlf = (...lines: string[]) => lines.join("\r\n") + "\r\n";

/** One case per quirk the lenient parser must accept. */
export const QUIRK_SDPS: RealWorldCase[] = [
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
];
