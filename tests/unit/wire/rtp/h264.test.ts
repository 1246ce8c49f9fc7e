import assert from "node:assert/strict";
import { extractH264ParameterSets, h264NalTypes, isH264RandomAccess } from "../../../../src/wire/rtp/h264.ts";

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/).filter(Boolean), (b) => parseInt(b, 16));

const SPS = "67 42 00 1f e9 02 80";
const PPS = "68 ce 3c 80";

// RFC 6184 payload structures built by hand: NAL header byte = F|NRI|Type.
const cases = [
  { name: "single IDR slice (type 5)", raw: "65 88 84 00", types: [5], randomAccess: true },
  { name: "single non-IDR slice (type 1)", raw: "41 9a 02", types: [1], randomAccess: false },
  { name: "single SPS", raw: SPS, types: [7], randomAccess: true },
  { name: "single PPS", raw: PPS, types: [8], randomAccess: false },
  { name: "single SEI", raw: "06 05 01 80", types: [6], randomAccess: false },
  { name: "STAP-A with SPS + PPS", raw: `78 00 07 ${SPS} 00 04 ${PPS}`, types: [7, 8], randomAccess: true },
  { name: "STAP-A with AUD + IDR", raw: "78 00 02 09 f0 00 03 65 88 84", types: [9, 5], randomAccess: true },
  {
    name: "STAP-A with AUD + non-IDR",
    raw: "78 00 02 09 f0 00 02 41 9a",
    types: [9, 1],
    randomAccess: false,
  },
  {
    name: "STAP-A truncated after the first unit",
    raw: "78 00 02 09 f0 00 09 65 88",
    types: [9],
    randomAccess: false,
  },
  { name: "STAP-A with a zero size", raw: "78 00 00 00 02 65 88", types: [], randomAccess: false },
  { name: "STAP-B (DON first) with IDR", raw: "79 00 05 00 02 65 88", types: [5], randomAccess: true },
  { name: "MTAP16 with IDR", raw: "7a 00 05 00 02 00 00 10 65 88", types: [5], randomAccess: true },
  { name: "MTAP24 with SPS", raw: `7b 00 05 00 07 00 00 00 10 ${SPS}`, types: [7], randomAccess: true },
  { name: "FU-A start of IDR", raw: "7c 85 88 84", types: [5], randomAccess: true },
  { name: "FU-A middle of IDR", raw: "7c 05 11 22", types: [5], randomAccess: false },
  { name: "FU-A end of IDR", raw: "7c 45 11 22", types: [5], randomAccess: false },
  { name: "FU-A start of non-IDR", raw: "5c 81 9a 02", types: [1], randomAccess: false },
  { name: "FU-B start of IDR", raw: "7d 85 00 01 88", types: [5], randomAccess: true },
  { name: "FU-A without FU header", raw: "7c", types: [], randomAccess: false },
  { name: "empty payload", raw: "", types: [], randomAccess: false },
  { name: "reserved type 30", raw: "7e 00 00", types: [], randomAccess: false },
  { name: "forbidden type 0", raw: "00 00", types: [], randomAccess: false },
];

for (const c of cases) {
  Deno.test(`h264: ${c.name}`, () => {
    const payload = hex(c.raw);
    assert.deepEqual(h264NalTypes(payload), c.types);
    assert.equal(isH264RandomAccess(payload), c.randomAccess);
  });
}

Deno.test("extractH264ParameterSets() reads a single SPS and a single PPS", () => {
  assert.deepEqual(extractH264ParameterSets(hex(SPS)), { sps: hex(SPS) });
  assert.deepEqual(extractH264ParameterSets(hex(PPS)), { pps: hex(PPS) });
});

Deno.test("extractH264ParameterSets() reads both from a STAP-A and copies them", () => {
  const payload = hex(`78 00 07 ${SPS} 00 04 ${PPS} 00 02 65 88`);
  const sets = extractH264ParameterSets(payload);
  assert.deepEqual(sets, { sps: hex(SPS), pps: hex(PPS) });
  payload.fill(0);
  assert.deepEqual(sets.sps, hex(SPS), "result must not alias the packet buffer");
});

Deno.test("extractH264ParameterSets() ignores fragments and slices", () => {
  assert.deepEqual(extractH264ParameterSets(hex("7c 87 42 00")), {});
  assert.deepEqual(extractH264ParameterSets(hex("65 88")), {});
  assert.deepEqual(extractH264ParameterSets(new Uint8Array()), {});
});
