import assert from "node:assert/strict";
import { h265Codec, H265Depacketizer } from "../../../src/player/h265_depacketizer.ts";
import type { AccessUnit, RtpFields } from "../../../src/player/nal_depacketizer.ts";
import { isH265RandomAccess } from "../../../src/wire/rtp/h265.ts";
import { prng, randomBytes } from "../../_helpers/fuzz.ts";

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/).filter(Boolean), (b) => parseInt(b, 16));
// NAL header: F(1) Type(6) LayerId(6) TID(3): type 32 VPS = 40 01, 33 SPS = 42 01, 34 PPS = 44 01,
// 19 IDR_W_RADL = 26 01, 1 TRAIL_R = 02 01.
const VPS = hex("40 01 0c 01 ff ff");
// SPS of x265 Main, level 2.1: profile_tier_level after vps id / sub layers byte "01".
const SPS = hex("42 01 01 01 60 00 00 03 00 90 00 00 03 00 00 03 00 3f a0");
const PPS = hex("44 01 c1 72 b4");
const IDR = hex("26 01 af 09 40 f0");
const TRAIL = hex("02 01 d0 09 7e");
const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

function packets(seq: number, ts: number, payloads: Uint8Array[]): RtpFields[] {
  return payloads.map((payload, i) => ({
    sequenceNumber: (seq + i) & 0xffff,
    timestamp: ts,
    marker: i === payloads.length - 1,
    payload,
  }));
}
const feed = (d: H265Depacketizer, list: RtpFields[]): AccessUnit[] => list.flatMap((p) => d.push(p));

/** RFC 7798 §4.4.2: PayloadHdr type 48, then size(16) + NAL unit for each. */
function ap(...nalus: Uint8Array[]): Uint8Array {
  return Uint8Array.of(0x60, 0x01, ...nalus.flatMap((n) => [n.length >> 8, n.length & 0xff, ...n]));
}

/** RFC 7798 §4.4.3: PayloadHdr type 49, FU header S|E|FuType, then the data. */
function fu(nalu: Uint8Array, size: number): Uint8Array[] {
  const type = (nalu[0] >> 1) & 0x3f;
  const out: Uint8Array[] = [];
  for (let at = 2; at < nalu.length; at += size) {
    const s = at === 2 ? 0x80 : 0;
    const e = at + size >= nalu.length ? 0x40 : 0;
    out.push(
      Uint8Array.of((nalu[0] & 0x81) | (49 << 1), nalu[1], s | e | type, ...nalu.subarray(at, at + size)),
    );
  }
  return out;
}

const cases: { name: string; payloads: Uint8Array[]; nalus: Uint8Array[]; keyframe: boolean }[] = [
  { name: "single NAL unit (TRAIL_R)", payloads: [TRAIL], nalus: [TRAIL], keyframe: false },
  {
    name: "AP with VPS, SPS, PPS, then IDR",
    payloads: [ap(VPS, SPS, PPS), IDR],
    nalus: [VPS, SPS, PPS, IDR],
    keyframe: true,
  },
  {
    name: "FU IDR in three fragments",
    payloads: [VPS, SPS, PPS, ...fu(IDR, 2)],
    nalus: [VPS, SPS, PPS, IDR],
    keyframe: true,
  },
  { name: "FU with start and end in one packet", payloads: fu(TRAIL, 50), nalus: [TRAIL], keyframe: false },
];

for (const c of cases) {
  Deno.test(`H265Depacketizer: ${c.name}`, () => {
    const d = new H265Depacketizer();
    const aus = feed(d, packets(7, 1800, c.payloads));
    assert.equal(aus.length, 1);
    assert.deepEqual(aus[0].nalus, c.nalus);
    assert.equal(aus[0].keyframe, c.keyframe);
    assert.equal(aus[0].damaged, false);
    assert.equal(c.payloads.some((p) => isH265RandomAccess(p)), c.keyframe);
  });
}

Deno.test("H265Depacketizer: parameter sets from sprop-vps/sps/pps go in front of an IDR", () => {
  const d = new H265Depacketizer({ vps: b64(VPS), sps: b64(SPS), pps: b64(PPS) });
  const [au] = feed(d, packets(1, 0, [IDR]));
  assert.deepEqual(au.nalus, [VPS, SPS, PPS, IDR]);
  assert.equal(d.codec(), "hvc1.1.6.L63.90");
});

Deno.test("H265Depacketizer: a lost FU fragment damages the access unit", () => {
  const d = new H265Depacketizer();
  const big = Uint8Array.of(0x26, 0x01, ...Array.from({ length: 40 }, (_, i) => i));
  const list = packets(65530, 0, fu(big, 8));
  list.splice(1, 1);
  const aus = feed(d, list);
  assert.equal(aus.length, 1);
  assert.equal(aus[0].damaged, true);
  assert.equal(d.lostPackets, 1);
});

Deno.test("H265Depacketizer: random payloads never throw", () => {
  const d = new H265Depacketizer();
  const rand = prng(265);
  for (let i = 0; i < 5000; i++) {
    const payload = randomBytes(rand, 40);
    d.push({ sequenceNumber: i, timestamp: Math.floor(i / 4) * 3600, marker: i % 4 === 3, payload });
  }
});

Deno.test("h265Codec: emulation prevention bytes are removed before reading profile_tier_level", () => {
  assert.equal(h265Codec(SPS), "hvc1.1.6.L63.90");
  assert.equal(h265Codec(hex("42 01 01")), undefined);
});
