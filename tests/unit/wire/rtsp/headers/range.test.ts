import assert from "node:assert/strict";
import { formatRange, parseRange, type RangeValue } from "../../../../../src/wire/rtsp/headers/range.ts";
import { fuzzParser } from "./_fuzz.ts";

const CASES: { name: string; raw: string; value: RangeValue; canonical?: true }[] = [
  { name: "MediaMTX client PLAY", raw: "npt=0-", value: { unit: "npt", start: 0 }, canonical: true },
  { name: "ffmpeg 5.1 RECORD and PLAY", raw: "npt=0.000-", value: { unit: "npt", start: 0 } },
  { name: "GStreamer live", raw: "npt=now-", value: { unit: "npt", start: "now" }, canonical: true },
  {
    name: "closed npt range",
    raw: "npt=12.5-30",
    value: { unit: "npt", start: 12.5, end: 30 },
    canonical: true,
  },
  { name: "npt end only", raw: "npt=-34.5", value: { unit: "npt", end: 34.5 }, canonical: true },
  { name: "npt hh:mm:ss", raw: "npt=1:02:03.5-", value: { unit: "npt", start: 3723.5 } },
  {
    name: "clock with time parameter",
    raw: "clock=19961108T143720.25Z-;time=19970123T143720Z",
    value: { unit: "clock", start: "19961108T143720.25Z", time: "19970123T143720Z" },
    canonical: true,
  },
  {
    name: "closed clock range",
    raw: "clock=20261124T100000Z-20261124T110000Z",
    value: { unit: "clock", start: "20261124T100000Z", end: "20261124T110000Z" },
    canonical: true,
  },
  { name: "smpte", raw: "smpte=10:07:33-", value: { unit: "smpte", start: "10:07:33" }, canonical: true },
  { name: "spaces and case", raw: " NPT = 0.000 - ", value: { unit: "npt", start: 0 } },
];

for (const c of CASES) {
  Deno.test(`parseRange: ${c.name}`, () => {
    assert.deepEqual(parseRange(c.raw), c.value);
    if (c.canonical) assert.equal(formatRange(c.value), c.raw);
    assert.deepEqual(parseRange(formatRange(c.value)), c.value);
  });
}

Deno.test("parseRange rejects unknown units and malformed times", () => {
  for (
    const raw of [
      "",
      "npt",
      "npt=",
      "npt=-",
      "npt=abc-",
      "npt=0",
      "clock=yesterday-",
      "smpte=1-",
      "bytes=0-100",
    ]
  ) {
    assert.throws(
      () => parseRange(raw),
      (e: unknown) => e instanceof SyntaxError && /^Cannot parse Range header: /.test(e.message),
      raw,
    );
  }
  assert.throws(() => formatRange({ unit: "npt", start: -1 }), RangeError);
});

Deno.test("parseRange fuzz: only SyntaxError escapes", () => {
  fuzzParser(
    parseRange,
    ["npt", "clock", "smpte", "=", "-", "now", "0", ".", ":", "12", ";time=", "T", "Z"],
    23,
    (r) => {
      assert.deepEqual(parseRange(formatRange(r)), r);
    },
  );
});
