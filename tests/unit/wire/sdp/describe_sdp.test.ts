import assert from "node:assert/strict";
import { buildDescribeSdp, parseSdp } from "../../../../src/wire/sdp/mod.ts";

const crlf = (...lines: string[]) => lines.join("\r\n") + "\r\n";

const ANNOUNCED = parseSdp(crlf(
  "v=0",
  "o=- 1188340656180883 1 IN IP4 127.0.0.1",
  "s=Session streamed with GStreamer",
  "t=0 0",
  "a=tool:GStreamer",
  "a=range:npt=now-",
  "m=video 0 RTP/AVP 96",
  "c=IN IP4 127.0.0.1",
  "b=AS:5000",
  "b=RS:0",
  "a=rtpmap:96 H264/90000",
  "a=framerate:30",
  "a=fmtp:96 sprop-parameter-sets=Z2QAKKzZQHgCJ+XARAAAAwBAAAAPI8YMZYA=,aOvjyyLA;packetization-mode=1;profile-level-id=640028",
  "a=ts-refclk:local",
  "a=mediaclk:sender",
  "a=x-dimensions:1920,1080",
  "a=control:stream=0",
  "a=sendonly",
  "a=key-mgmt:mikey AQAFgA==",
  "a=range:npt=0-",
  "m=audio 0 RTP/AVP 97",
  "a=rtpmap:97 MPEG4-GENERIC/44100/2",
  "a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3; config=1210",
  "a=control:stream=1",
  "a=tool:libavformat",
));

Deno.test("buildDescribeSdp() golden output (gortsplib's media matching; RFC 2326 §C.1.1)", () => {
  const text = buildDescribeSdp({
    medias: ANNOUNCED.medias.map((media, i) => ({ media, control: `trackID=${i}` })),
  });
  assert.equal(
    text,
    crlf(
      "v=0",
      "o=- 0 0 IN IP4 127.0.0.1",
      "s= ",
      "c=IN IP4 0.0.0.0",
      "t=0 0",
      "m=video 0 RTP/AVP 96",
      "b=AS:5000",
      "a=control:trackID=0",
      "a=rtpmap:96 H264/90000",
      "a=framerate:30",
      "a=fmtp:96 sprop-parameter-sets=Z2QAKKzZQHgCJ+XARAAAAwBAAAAPI8YMZYA=,aOvjyyLA;packetization-mode=1;profile-level-id=640028",
      "a=x-dimensions:1920,1080",
      "m=audio 0 RTP/AVP 97",
      "a=control:trackID=1",
      "a=rtpmap:97 MPEG4-GENERIC/44100/2",
      "a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3; config=1210",
    ),
  );
});

Deno.test("buildDescribeSdp() with title, multicast address, SAVP and key-mgmt (RTSPS)", () => {
  const text = buildDescribeSdp({
    title: "cam1",
    connectionAddress: "224.1.0.0",
    medias: [{
      media: ANNOUNCED.medias[1],
      control: "trackID=0",
      protocol: "RTP/SAVP",
      extraAttributes: [{ key: "key-mgmt", value: "mikey AQAFgP8=" }],
    }],
  });
  assert.equal(
    text,
    crlf(
      "v=0",
      "o=- 0 0 IN IP4 127.0.0.1",
      "s=cam1",
      "c=IN IP4 224.1.0.0",
      "t=0 0",
      "m=audio 0 RTP/SAVP 97",
      "a=control:trackID=0",
      "a=rtpmap:97 MPEG4-GENERIC/44100/2",
      "a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3; config=1210",
      "a=key-mgmt:mikey AQAFgP8=",
    ),
  );
});

Deno.test("buildDescribeSdp() writes IP6 for an IPv6 address and keeps ' ' for an empty title", () => {
  const text = buildDescribeSdp({ title: "", connectionAddress: "::", medias: [] });
  assert.equal(text, crlf("v=0", "o=- 0 0 IN IP4 127.0.0.1", "s= ", "c=IN IP6 ::", "t=0 0"));
});

Deno.test("buildDescribeSdp() output parses back to the same medias", () => {
  const text = buildDescribeSdp({
    medias: ANNOUNCED.medias.map((media, i) => ({ media, control: `trackID=${i}` })),
  });
  const sd = parseSdp(text);
  assert.equal(sd.medias.length, 2);
  assert.deepEqual(sd.medias.map((m) => m.formats), [["96"], ["97"]]);
  assert.equal(ANNOUNCED.medias[0].attributes.length, 10, "the input was not modified");
});
