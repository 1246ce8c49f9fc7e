import assert from "node:assert/strict";
import { h264Codec, H264Depacketizer } from "../../../src/player/h264_depacketizer.ts";
import { type AccessUnit, annexB, type RtpFields } from "../../../src/player/nal_depacketizer.ts";
import { isH264RandomAccess } from "../../../src/wire/rtp/h264.ts";
import { prng, randomBytes } from "../../_helpers/fuzz.ts";

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/).filter(Boolean), (b) => parseInt(b, 16));
const SPS = hex("67 4d 40 1e e9 02 80");
const PPS = hex("68 ce 3c 80");
const IDR = hex("65 88 84 00 11 22 33");
const SLICE = hex("41 9a 02 03");
const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

/** Packets of one access unit: `payloads` at one timestamp, the marker on the last. */
function packets(seq: number, ts: number, payloads: Uint8Array[]): RtpFields[] {
  return payloads.map((payload, i) => ({
    sequenceNumber: (seq + i) & 0xffff,
    timestamp: ts,
    marker: i === payloads.length - 1,
    payload,
  }));
}

function feed(d: H264Depacketizer, list: RtpFields[]): AccessUnit[] {
  return list.flatMap((p) => d.push(p));
}

/** RFC 6184 §5.8: splits a NAL unit into FU-A payloads of at most `size` data bytes. */
function fuA(nalu: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 1; at < nalu.length; at += size) {
    const chunk = nalu.subarray(at, Math.min(nalu.length, at + size));
    const start = at === 1 ? 0x80 : 0;
    const end = at + size >= nalu.length ? 0x40 : 0;
    out.push(Uint8Array.of((nalu[0] & 0xe0) | 28, start | end | (nalu[0] & 0x1f), ...chunk));
  }
  return out;
}

function stapA(...nalus: Uint8Array[]): Uint8Array {
  const parts = nalus.flatMap((n) => [n.length >> 8, n.length & 0xff, ...n]);
  return Uint8Array.of(0x78, ...parts);
}

// Each row: the payloads of one access unit and the NAL units the decoder must get.
const cases: { name: string; payloads: Uint8Array[]; nalus: Uint8Array[]; keyframe: boolean }[] = [
  { name: "single NAL unit (non-IDR)", payloads: [SLICE], nalus: [SLICE], keyframe: false },
  {
    name: "STAP-A with SPS, PPS and IDR",
    payloads: [stapA(SPS, PPS, IDR)],
    nalus: [SPS, PPS, IDR],
    keyframe: true,
  },
  {
    name: "SPS, PPS, IDR as single NAL units",
    payloads: [SPS, PPS, IDR],
    nalus: [SPS, PPS, IDR],
    keyframe: true,
  },
  {
    name: "FU-A IDR in three fragments",
    payloads: [SPS, PPS, ...fuA(IDR, 2)],
    nalus: [SPS, PPS, IDR],
    keyframe: true,
  },
  {
    name: "FU-A with start and end in one packet",
    payloads: fuA(SLICE, 100),
    nalus: [SLICE],
    keyframe: false,
  },
];

for (const c of cases) {
  Deno.test(`H264Depacketizer: ${c.name}`, () => {
    const d = new H264Depacketizer();
    const aus = feed(d, packets(100, 9000, c.payloads));
    assert.equal(aus.length, 1);
    assert.deepEqual(aus[0].nalus, c.nalus);
    assert.equal(aus[0].keyframe, c.keyframe);
    assert.equal(aus[0].damaged, false);
    assert.equal(aus[0].timestamp, 9000);
    // The server's keyframe test agrees on the packet that starts the access unit.
    assert.equal(c.payloads.some((p) => isH264RandomAccess(p)), c.keyframe || c.payloads.includes(SPS));
  });
}

Deno.test("H264Depacketizer: SPS/PPS from sprop-parameter-sets go in front of an IDR that lacks them", () => {
  const d = new H264Depacketizer(`${b64(SPS)},${b64(PPS)}`);
  assert.equal(d.codec(), "avc1.4D401E");
  const [au] = feed(d, packets(1, 0, [IDR]));
  assert.deepEqual(au.nalus, [SPS, PPS, IDR]);
  assert.deepEqual(annexB(au.nalus).subarray(0, 5), hex("00 00 00 01 67"));
});

Deno.test("H264Depacketizer: in-band parameter sets replace the SDP ones", () => {
  const d = new H264Depacketizer(`${b64(hex("67 42 00 1f"))},${b64(PPS)}`);
  assert.equal(d.codec(), "avc1.42001F");
  feed(d, packets(1, 0, [SPS, PPS, IDR]));
  assert.equal(d.codec(), "avc1.4D401E");
  const [au] = feed(d, packets(4, 3600, [IDR]));
  assert.deepEqual(au.nalus, [SPS, PPS, IDR]);
});

Deno.test("H264Depacketizer: a lost FU-A fragment damages the access unit, the next one is whole", () => {
  const d = new H264Depacketizer();
  const big = Uint8Array.of(0x65, ...Array.from({ length: 50 }, (_, i) => i));
  const first = packets(10, 0, fuA(big, 10));
  first.splice(2, 1); // lose the third fragment
  const aus = feed(d, first);
  assert.equal(aus.length, 1);
  assert.equal(aus[0].damaged, true);
  const [next] = feed(d, packets(15, 3600, [SLICE]));
  assert.equal(next.damaged, false);
  assert.deepEqual(next.nalus, [SLICE]);
  assert.equal(d.lostPackets, 1);
});

Deno.test("H264Depacketizer: a lost marker packet ends the access unit at the next timestamp, damaged", () => {
  const d = new H264Depacketizer();
  const a = packets(1, 0, [SLICE, SLICE]);
  const aus = feed(d, [a[0], ...packets(3, 3600, [SLICE])]);
  assert.deepEqual(aus.map((u) => [u.timestamp, u.damaged]), [[0, true], [3600, true]]);
  const [clean] = feed(d, packets(4, 7200, [SLICE]));
  assert.equal(clean.damaged, false);
});

Deno.test("H264Depacketizer: sequence numbers wrap at 65535 without a loss", () => {
  const d = new H264Depacketizer();
  const aus = feed(d, [...packets(65534, 0, [SLICE, SLICE]), ...packets(0, 3600, [SLICE])]);
  assert.deepEqual(aus.map((u) => u.damaged), [false, false]);
  assert.equal(d.lostPackets, 0);
});

Deno.test("H264Depacketizer: an FU-A middle without its start is damage, not a crash", () => {
  const d = new H264Depacketizer();
  const [, middle, end] = fuA(Uint8Array.of(0x41, ...new Array(30).fill(7)), 10);
  const aus = feed(d, packets(1, 0, [middle, end]));
  assert.deepEqual(aus.map((u) => [u.nalus.length, u.damaged]), [[0, true]]); // reported, nothing to decode
  const [next] = feed(d, packets(3, 3600, [SLICE]));
  assert.equal(next.damaged, false);
});

Deno.test("H264Depacketizer: random payloads never throw", () => {
  const d = new H264Depacketizer();
  let seq = 0;
  const rand = prng(264);
  for (let i = 0; i < 5000; i++) {
    const payload = randomBytes(rand, 40);
    d.push({ sequenceNumber: seq++, timestamp: Math.floor(i / 3) * 3000, marker: i % 3 === 2, payload });
  }
});

Deno.test("h264Codec: avc1 string from the SPS", () => {
  assert.equal(h264Codec(SPS), "avc1.4D401E");
  assert.equal(h264Codec(hex("67 64 00 1f")), "avc1.64001F");
  assert.equal(h264Codec(hex("67 64")), undefined);
});
