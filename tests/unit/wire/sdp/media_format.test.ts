import assert from "node:assert/strict";
import {
  attributeValue,
  clockRateOf,
  codecOf,
  fmtp,
  FmtpParameters,
  mediaControl,
  mediaDirection,
  payloadTypes,
  rtpMaps,
  type SdpMedia,
} from "../../../../src/wire/sdp/mod.ts";

function media(type: string, formats: string[], attributes: Array<[string, string?]>): SdpMedia {
  return {
    type,
    port: 0,
    protocol: "RTP/AVP",
    formats,
    bandwidths: [],
    attributes: attributes.map(([key, value]) => (value === undefined ? { key } : { key, value })),
  };
}

Deno.test("rtpMaps() reads encoding, clock rate and channels", () => {
  const m = media("audio", ["97", "98", "101"], [
    ["rtpmap", "97 MPEG4-GENERIC/48000/2"],
    ["rtpmap", " 98  opus/48000/2"],
    ["rtpmap", "101 telephone-event/8000"],
  ]);
  assert.deepEqual(
    rtpMaps(m),
    new Map([
      [97, { encoding: "MPEG4-GENERIC", clockRate: 48000, channels: 2 }],
      [98, { encoding: "opus", clockRate: 48000, channels: 2 }],
      [101, { encoding: "telephone-event", clockRate: 8000 }],
    ]),
  );
});

Deno.test("rtpMaps() adds RFC 3551 static payload types without rtpmap", () => {
  const m = media("video", ["0", "8", "14", "26", "32", "33", "96"], []);
  assert.deepEqual(
    rtpMaps(m),
    new Map([
      [0, { encoding: "PCMU", clockRate: 8000 }],
      [8, { encoding: "PCMA", clockRate: 8000 }],
      [14, { encoding: "MPA", clockRate: 90000 }],
      [26, { encoding: "JPEG", clockRate: 90000 }],
      [32, { encoding: "MPV", clockRate: 90000 }],
      [33, { encoding: "MP2T", clockRate: 90000 }],
    ]),
  );
});

Deno.test("rtpMaps() lets an explicit rtpmap override a static payload type", () => {
  const m = media("audio", ["0"], [["rtpmap", "0 PCMU/16000"]]);
  assert.equal(clockRateOf(m, 0), 16000);
});

Deno.test("rtpMaps() skips malformed entries and falls back on a missing clock rate", () => {
  const m = media("video", ["96", "97"], [
    ["rtpmap", "96 H264"],
    ["rtpmap", "x H264/90000"],
    ["rtpmap", "300 H264/90000"],
    ["rtpmap"],
    ["rtpmap", "97 H265/0"],
  ]);
  assert.deepEqual(
    rtpMaps(m),
    new Map([[96, { encoding: "H264", clockRate: 90000 }], [97, { encoding: "H265", clockRate: 90000 }]]),
  );
});

Deno.test("clockRateOf() defaults to 90000 for video and 8000 for audio when unknown", () => {
  assert.equal(clockRateOf(media("video", ["96"], []), 96), 90000);
  assert.equal(clockRateOf(media("application", ["107"], []), 107), 90000);
  assert.equal(clockRateOf(media("audio", ["96"], []), 96), 8000);
  assert.equal(clockRateOf(media("audio", ["96"], [["rtpmap", "96 L16"]]), 96), 8000);
});

Deno.test("codecOf() upper-cases the encoding and returns '' when unknown", () => {
  const m = media("audio", ["96", "97"], [["rtpmap", "96 mpeg4-generic/44100/2"]]);
  assert.equal(codecOf(m, 96), "MPEG4-GENERIC");
  assert.equal(codecOf(m, 97), "");
});

Deno.test("fmtp() splits on ';' and the first '=', keeps key spelling, matches keys in any case", () => {
  const m = media("video", ["96", "97"], [
    ["fmtp", "97 other=1"],
    [
      "fmtp",
      "96 Packetization-Mode=1; profile-level-id=42e01f ;sprop-parameter-sets=Z0LgH9kA==,aM48gA==;;flag",
    ],
    ["fmtp", "96 ignored=1"],
  ]);
  const params = fmtp(m, 96);
  assert.ok(params instanceof FmtpParameters);
  assert.deepEqual([...params.keys()], [
    "Packetization-Mode",
    "profile-level-id",
    "sprop-parameter-sets",
    "flag",
  ]);
  assert.equal(params.get("packetization-mode"), "1");
  assert.equal(params.get("PROFILE-LEVEL-ID"), "42e01f");
  assert.equal(params.get("sprop-parameter-sets"), "Z0LgH9kA==,aM48gA==");
  assert.equal(params.get("flag"), "");
  assert.equal(params.has("ignored"), false);
  assert.equal(params.has("FLAG"), true);
  assert.equal(fmtp(m, 97).get("other"), "1");
  assert.equal(fmtp(m, 98).size, 0);
});

Deno.test("fmtp() accepts an fmtp with no parameters and a telephone-event range", () => {
  const m = media("audio", ["101", "102"], [["fmtp", "101 0-15"], ["fmtp", "102"]]);
  assert.deepEqual([...fmtp(m, 101)], [["0-15", ""]]);
  assert.equal(fmtp(m, 102).size, 0);
});

Deno.test("mediaControl() finds a=control in any case and trims it; '' for a bare a=control", () => {
  assert.equal(mediaControl(media("video", [], [["Control", " trackID=1 "]])), "trackID=1");
  assert.equal(mediaControl(media("video", [], [["control", ""]])), "");
  assert.equal(mediaControl(media("video", [], [["control"]])), "");
  assert.equal(mediaControl(media("video", [], [])), undefined);
  assert.equal(attributeValue([{ key: "range", value: "npt=0-" }], "RANGE"), "npt=0-");
});

Deno.test("mediaDirection() finds the direction attribute", () => {
  assert.equal(mediaDirection(media("audio", [], [["sendonly"]])), "sendonly");
  assert.equal(mediaDirection(media("audio", [], [["RecvOnly"]])), "recvonly");
  assert.equal(mediaDirection(media("audio", [], [])), undefined);
});

Deno.test("payloadTypes() keeps numeric formats up to 127", () => {
  assert.deepEqual(payloadTypes(media("video", ["96", "abc", "128", "0", "127"], [])), [96, 0, 127]);
});
