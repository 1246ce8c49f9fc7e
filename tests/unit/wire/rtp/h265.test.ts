import assert from "node:assert/strict";
import { extractH265ParameterSets, h265NalTypes, isH265RandomAccess } from "../../../../src/wire/rtp/h265.ts";

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/).filter(Boolean), (b) => parseInt(b, 16));

// PayloadHdr = F|Type(6)|LayerId(6)|TID(3); with TID=1 the header is (type << 1), 0x01.
const VPS = "40 01 0c 01 ff ff";
const SPS = "42 01 01 01 60 00";
const PPS = "44 01 c1 72";

const cases = [
  { name: "IDR_W_RADL (19)", raw: "26 01 af 09", types: [19], randomAccess: true },
  { name: "IDR_N_LP (20)", raw: "28 01 af", types: [20], randomAccess: true },
  { name: "CRA (21)", raw: "2a 01 af", types: [21], randomAccess: true },
  { name: "BLA_W_LP (16)", raw: "20 01 af", types: [16], randomAccess: true },
  { name: "reserved IRAP 22 is not random access", raw: "2c 01 af", types: [22], randomAccess: false },
  { name: "TRAIL_R (1)", raw: "02 01 d0", types: [1], randomAccess: false },
  { name: "VPS", raw: VPS, types: [32], randomAccess: true },
  { name: "SPS", raw: SPS, types: [33], randomAccess: true },
  { name: "PPS", raw: PPS, types: [34], randomAccess: false },
  {
    name: "AP with VPS, SPS, PPS",
    raw: `60 01 00 06 ${VPS} 00 06 ${SPS} 00 04 ${PPS}`,
    types: [32, 33, 34],
    randomAccess: true,
  },
  {
    name: "AP with AUD + TRAIL",
    raw: "60 01 00 03 46 01 50 00 03 02 01 d0",
    types: [35, 1],
    randomAccess: false,
  },
  { name: "AP truncated", raw: "60 01 00 09 26 01", types: [], randomAccess: false },
  { name: "FU start of IDR_W_RADL", raw: "62 01 93 af 09", types: [19], randomAccess: true },
  { name: "FU end of IDR_W_RADL", raw: "62 01 53 af 09", types: [19], randomAccess: false },
  { name: "FU start of TRAIL_R", raw: "62 01 81 d0", types: [1], randomAccess: false },
  { name: "FU without FU header", raw: "62 01", types: [], randomAccess: false },
  { name: "PACI is not unwrapped", raw: "64 01 26 00 00", types: [], randomAccess: false },
  { name: "one byte", raw: "26", types: [], randomAccess: false },
];

for (const c of cases) {
  Deno.test(`h265: ${c.name}`, () => {
    const payload = hex(c.raw);
    assert.deepEqual(h265NalTypes(payload), c.types);
    assert.equal(isH265RandomAccess(payload), c.randomAccess);
  });
}

Deno.test("h265: DONL/DOND fields are skipped when sprop-max-don-diff > 0", () => {
  const ap = hex(`60 01 00 00 00 06 ${VPS} 01 00 04 ${PPS}`);
  assert.deepEqual(h265NalTypes(ap, { donl: true }), [32, 34]);
  assert.equal(isH265RandomAccess(ap, { donl: true }), true);
  const fu = hex("62 01 93 00 00 af");
  assert.equal(isH265RandomAccess(fu, { donl: true }), true);
});

Deno.test("extractH265ParameterSets() reads VPS/SPS/PPS from an AP and from single NAL units", () => {
  assert.deepEqual(
    extractH265ParameterSets(hex(`60 01 00 06 ${VPS} 00 06 ${SPS} 00 04 ${PPS}`)),
    { vps: hex(VPS), sps: hex(SPS), pps: hex(PPS) },
  );
  assert.deepEqual(extractH265ParameterSets(hex(SPS)), { sps: hex(SPS) });
  assert.deepEqual(extractH265ParameterSets(hex("62 01 a1 01 01")), {});
});
