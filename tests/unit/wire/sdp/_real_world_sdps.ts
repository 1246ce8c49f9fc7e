/**
 * SDPs in the shape real publishers and cameras send them, named after the device
 * or client, with what the server must read from each. Used by real_world.test.ts
 * and as the seed corpus of fuzz.test.ts.
 */

import assert from "node:assert/strict";
import { fmtp, type SessionDescription } from "../../../../src/wire/sdp/mod.ts";
import { QUIRK_SDPS } from "./_quirk_sdps.ts";

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

const DEVICE_SDPS: RealWorldCase[] = [
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

/** Device SDPs first, then the lenient-parser quirk corpus. */
export const REAL_WORLD_SDPS: RealWorldCase[] = [...DEVICE_SDPS, ...QUIRK_SDPS];
