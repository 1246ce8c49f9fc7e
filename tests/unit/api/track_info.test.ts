import { deepEqual } from "node:assert/strict";
import { apiTracks } from "../../../src/api/track_info.ts";
import { parseSdp } from "../../../src/wire/sdp/mod.ts";

const sdp = (...medias: string[]) =>
  parseSdp(
    new TextEncoder().encode(["v=0", "o=- 0 0 IN IP4 127.0.0.1", "s=x", "t=0 0", ...medias, ""].join("\r\n")),
  )
    .medias;

Deno.test("tracks2: codec labels and props of common formats", () => {
  const tracks = apiTracks(sdp(
    "m=video 0 RTP/AVP 96",
    "a=rtpmap:96 H265/90000",
    "a=fmtp:96 sprop-sps=QgEBAWAAAAMAkAAAAwAAAwB4oAPAgBDlja5JMvTcBAQEAg==",
    "m=audio 0 RTP/AVP 0",
    "m=audio 0 RTP/AVP 8",
    "m=audio 0 RTP/AVP 97",
    "a=rtpmap:97 MPEG4-GENERIC/48000/2",
    "a=fmtp:97 streamtype=5; profile-level-id=15; mode=AAC-hbr; config=1190; sizelength=13",
    "m=audio 0 RTP/AVP 98",
    "a=rtpmap:98 opus/48000/2",
    "a=fmtp:98 sprop-stereo=1",
    "m=video 0 RTP/AVP 99",
    "a=rtpmap:99 H264/90000",
    "a=fmtp:99 packetization-mode=1",
    "m=application 0 RTP/AVP 100",
    "a=rtpmap:100 x-custom/1000",
  ));
  deepEqual(tracks, [
    { codec: "H265", codecProps: { width: 1920, height: 1080, profile: "Main", level: "4" } },
    { codec: "G711", codecProps: { muLaw: true, sampleRate: 8000, channelCount: 1 } },
    { codec: "G711", codecProps: { muLaw: false, sampleRate: 8000, channelCount: 1 } },
    { codec: "MPEG-4 Audio", codecProps: { sampleRate: 48000, channelCount: 2 } },
    { codec: "Opus", codecProps: { channelCount: 2 } },
    { codec: "H264", codecProps: null },
    { codec: "Generic", codecProps: null },
  ]);
});

Deno.test("tracks2: unreadable parameter sets leave the label without props", () => {
  deepEqual(
    apiTracks(sdp("m=video 0 RTP/AVP 96", "a=rtpmap:96 H264/90000", "a=fmtp:96 sprop-parameter-sets=Z2Q=")),
    [
      { codec: "H264", codecProps: null },
    ],
  );
});
