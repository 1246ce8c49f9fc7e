import assert from "node:assert/strict";
import {
  formatRtpInfo,
  parseRtpInfo,
  type RtpInfoEntry,
} from "../../../../../src/wire/rtsp/headers/rtp_info.ts";
import { fuzzParser } from "./_fuzz.ts";

const CASES: { name: string; raw: string; value: RtpInfoEntry[]; canonical?: true }[] = [
  {
    name: "one media",
    raw: "url=rtsp://127.0.0.1:8554/mystream/trackID=0;seq=18544;rtptime=2893047232",
    value: [{ url: "rtsp://127.0.0.1:8554/mystream/trackID=0", seq: 18544, rtptime: 2893047232 }],
    canonical: true,
  },
  {
    name: "two medias, second one without timing (nothing sent yet)",
    raw: "url=rtsp://h/p/trackID=0;seq=1;rtptime=0,url=rtsp://h/p/trackID=1",
    value: [{ url: "rtsp://h/p/trackID=0", seq: 1, rtptime: 0 }, { url: "rtsp://h/p/trackID=1" }],
    canonical: true,
  },
  {
    name: "Wowza-style spaces and quoted url",
    raw: 'url="rtsp://h/p/trackID=1";seq=65535;rtptime=4294967295, url=rtsp://h/p/trackID=2;seq=0',
    value: [{ url: "rtsp://h/p/trackID=1", seq: 65535, rtptime: 4294967295 }, {
      url: "rtsp://h/p/trackID=2",
      seq: 0,
    }],
  },
  {
    name: "empty seq and rtptime (some cameras before the first packet)",
    raw: "url=rtsp://cam/live/track1;seq=;rtptime=",
    value: [{ url: "rtsp://cam/live/track1" }],
  },
  {
    name: "comma inside a URL",
    raw: "url=rtsp://h/a,b/trackID=0;seq=5",
    value: [{ url: "rtsp://h/a,b/trackID=0", seq: 5 }],
  },
  {
    name: "unknown parameter ignored, rtptime before seq",
    raw: "url=rtsp://h/p;rtptime=10;ssrc=1234;seq=2",
    value: [{ url: "rtsp://h/p", seq: 2, rtptime: 10 }],
  },
];

for (const c of CASES) {
  Deno.test(`parseRtpInfo: ${c.name}`, () => {
    assert.deepEqual(parseRtpInfo(c.raw), c.value);
    if (c.canonical) assert.equal(formatRtpInfo(c.value), c.raw);
  });
}

Deno.test("parseRtpInfo rejects entries without url or with out-of-range numbers", () => {
  for (
    const raw of [
      "",
      "seq=1;rtptime=2",
      "url=;seq=1",
      "url=rtsp://h/p;seq=65536",
      "url=rtsp://h/p;rtptime=4294967296",
      "url=rtsp://h/p;seq=-1",
    ]
  ) {
    assert.throws(
      () => parseRtpInfo(raw),
      (e: unknown) => e instanceof SyntaxError && /^Cannot parse RTP-Info header: /.test(e.message),
      raw,
    );
  }
  assert.throws(() => formatRtpInfo([{ url: "rtsp://h/p;x" }]), RangeError);
});

Deno.test("parseRtpInfo fuzz: only SyntaxError escapes", () => {
  fuzzParser(
    parseRtpInfo,
    ["url=", "rtsp://h/p", ";", ",", "seq=", "rtptime=", "123", "99999999999", '"', " "],
    22,
    (e) => {
      parseRtpInfo(formatRtpInfo(e));
    },
  );
});
