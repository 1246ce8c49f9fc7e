import assert from "node:assert/strict";
import { splitH264Payload } from "../../../../src/wire/rtp/h264_fragmenter.ts";
import { splitH265Payload } from "../../../../src/wire/rtp/h265_fragmenter.ts";
import { splitRtpPacket } from "../../../../src/wire/rtp/packet_split.ts";
import { buildRtpPacket, parseRtpHeader } from "../../../../src/wire/rtp/packet.ts";

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/).filter(Boolean), (b) => parseInt(b, 16));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");

/** A NAL unit of `size` bytes: `header` then a counting pattern. */
function nal(header: number[], size: number): Uint8Array {
  const n = new Uint8Array(size);
  n.set(header);
  for (let i = header.length; i < size; i++) n[i] = i & 0xff;
  return n;
}

/**
 * Test depacketiser (RFC 6184 §5.6–§5.8): whole NAL units back from single NAL unit packets,
 * STAP-A and FU-A, checking that fragments start with S and end with E.
 */
function joinH264(payloads: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let fu: number[] | undefined;
  for (const p of payloads) {
    const type = p[0] & 0x1f;
    if (type === 28) {
      const s = (p[1] & 0x80) !== 0;
      const e = (p[1] & 0x40) !== 0;
      if (s) {
        assert.equal(fu, undefined, "S while a fragmented unit is open");
        fu = [(p[0] & 0xe0) | (p[1] & 0x1f)];
      }
      assert.ok(fu !== undefined, "a fragment without a start");
      fu.push(...p.subarray(2));
      if (e) {
        out.push(Uint8Array.from(fu));
        fu = undefined;
      }
    } else if (type === 24) {
      for (let at = 1; at < p.length;) {
        const size = (p[at] << 8) | p[at + 1];
        out.push(p.slice(at + 2, at + 2 + size));
        at += 2 + size;
      }
    } else {
      assert.equal(fu, undefined, "a single NAL unit inside a fragmented one");
      out.push(p);
    }
  }
  assert.equal(fu, undefined, "the last fragmented unit did not end");
  return out;
}

/** Test depacketiser for H.265 (RFC 7798 §4.4): single NAL units, AP and FU. */
function joinH265(payloads: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let fu: number[] | undefined;
  for (const p of payloads) {
    const type = (p[0] >> 1) & 0x3f;
    if (type === 49) {
      const s = (p[2] & 0x80) !== 0;
      const e = (p[2] & 0x40) !== 0;
      if (s) {
        assert.equal(fu, undefined);
        fu = [(p[0] & 0x81) | ((p[2] & 0x3f) << 1), p[1]];
      }
      assert.ok(fu !== undefined, "a fragment without a start");
      fu.push(...p.subarray(3));
      if (e) {
        out.push(Uint8Array.from(fu));
        fu = undefined;
      }
    } else if (type === 48) {
      for (let at = 2; at < p.length;) {
        const size = (p[at] << 8) | p[at + 1];
        out.push(p.slice(at + 2, at + 2 + size));
        at += 2 + size;
      }
    } else {
      out.push(p);
    }
  }
  assert.equal(fu, undefined);
  return out;
}

Deno.test("splitH264Payload: table of payload structures", () => {
  const cases = [
    { name: "fits: returned as is", raw: "65 01 02 03", max: 4, out: ["65 01 02 03"] },
    {
      name: "IDR slice into FU-A (NRI kept in the indicator, type in the header)",
      raw: "65 01 02 03 04 05",
      max: 4,
      out: ["7c 85 01 02", "7c 05 03 04", "7c 45 05"],
    },
    {
      name: "FU-A start fragment: only the first piece has S, none has E",
      raw: "7c 85 01 02 03 04",
      max: 4,
      out: ["7c 85 01 02", "7c 05 03 04"],
    },
    {
      name: "FU-A end fragment: only the last piece has E",
      raw: "7c 45 01 02 03",
      max: 4,
      out: ["7c 05 01 02", "7c 45 03"],
    },
    {
      name: "FU-A middle fragment: neither S nor E",
      raw: "5c 01 01 02 03",
      max: 4,
      out: ["5c 01 01 02", "5c 01 03"],
    },
    {
      name: "STAP-A: units sent alone, the large one fragmented",
      raw: "78 00 02 67 42 00 05 65 01 02 03 04",
      max: 4,
      out: ["67 42", "7c 85 01 02", "7c 45 03 04"],
    },
    { name: "STAP-B cannot be split", raw: "79 00 01 00 02 67 42", max: 4, out: undefined },
    { name: "FU-B cannot be split", raw: "7d 85 00 01 01 02 03", max: 4, out: undefined },
    { name: "STAP-A truncated", raw: "78 00 09 67 42 00 05", max: 4, out: undefined },
    { name: "no room for a fragment", raw: "65 01 02 03", max: 2, out: undefined },
  ];
  for (const c of cases) {
    const got = splitH264Payload(hex(c.raw), c.max);
    assert.deepEqual(got?.map(toHex), c.out?.map((o) => toHex(hex(o))), c.name);
  }
});

Deno.test("splitH265Payload: table of payload structures", () => {
  const cases = [
    { name: "fits: returned as is", raw: "26 01 aa bb", max: 4, out: ["26 01 aa bb"] },
    {
      name: "IDR_W_RADL (19) into FUs: PayloadHdr type 49, LayerId/TID kept",
      raw: "26 01 0a 0b 0c",
      max: 4,
      out: ["62 01 93 0a", "62 01 13 0b", "62 01 53 0c"],
    },
    {
      name: "FU start fragment cut again",
      raw: "62 01 93 0a 0b",
      max: 4,
      out: ["62 01 93 0a", "62 01 13 0b"],
    },
    {
      name: "AP: units sent alone, the large one fragmented",
      raw: "60 01 00 03 40 01 0c 00 05 26 01 0a 0b 0c",
      max: 4,
      out: ["40 01 0c", "62 01 93 0a", "62 01 13 0b", "62 01 53 0c"],
    },
    { name: "PACI cannot be split", raw: "64 01 00 00 26 01", max: 4, out: undefined },
  ];
  for (const c of cases) {
    const got = splitH265Payload(hex(c.raw), c.max);
    assert.deepEqual(got?.map(toHex), c.out?.map((o) => toHex(hex(o))), c.name);
  }
});

Deno.test("splitH264Payload: round trip through a depacketiser, every size limit and NAL size", () => {
  for (const size of [2, 3, 100, 1439, 1440, 1441, 4000, 65_000]) {
    const unit = nal([0x65], size);
    for (const max of [3, 4, 100, 1200, 1438, 1440]) {
      const parts = splitH264Payload(unit, max)!;
      assert.ok(parts.every((p) => p.length <= max), `size ${size} max ${max}`);
      assert.deepEqual(joinH264(parts), [unit]);
      // Fragments of the fragments (a publisher's FU-A cut again) still join into the unit.
      const first = splitH264Payload(unit, Math.max(max * 3, 3))!;
      const again = first.flatMap((p) => splitH264Payload(p, max)!);
      assert.ok(again.every((p) => p.length <= max));
      assert.deepEqual(joinH264(again), [unit]);
    }
  }
  const stap = Uint8Array.of(0x78, 0, 5, ...nal([0x67], 5), 0x0f, 0xa0, ...nal([0x65], 4000));
  assert.deepEqual(joinH264(splitH264Payload(stap, 1400)!), [nal([0x67], 5), nal([0x65], 4000)]);
});

Deno.test("splitH265Payload: round trip through a depacketiser, every size limit and NAL size", () => {
  for (const size of [3, 100, 1441, 4000, 65_000]) {
    const unit = nal([0x26, 0x01], size);
    for (const max of [4, 100, 1437, 1440]) {
      const parts = splitH265Payload(unit, max)!;
      assert.ok(parts.every((p) => p.length <= max));
      assert.deepEqual(joinH265(parts), [unit]);
      const first = splitH265Payload(unit, Math.max(max * 3, 4))!;
      const again = first.flatMap((p) => splitH265Payload(p, max)!);
      assert.deepEqual(joinH265(again), [unit]);
    }
  }
});

Deno.test("splitRtpPacket: header kept on every packet, marker on the last, padding dropped", () => {
  const payload = nal([0x65], 4000);
  const packet = buildRtpPacket({
    marker: true,
    payloadType: 96,
    sequenceNumber: 7,
    timestamp: 90000,
    ssrc: 0x11223344,
    payload,
  });
  const parts = splitRtpPacket(packet, 1452, splitH264Payload)!;
  assert.equal(parts.length, 3);
  for (const [i, p] of parts.entries()) {
    assert.ok(p.length <= 1452);
    const h = parseRtpHeader(p);
    assert.deepEqual(
      [h.version, h.payloadType, h.sequenceNumber, h.timestamp, h.ssrc, h.marker, h.padding],
      [2, 96, 7, 90000, 0x11223344, i === 2, false],
    );
  }
  const joined = joinH264(parts.map((p) => p.subarray(12)));
  assert.deepEqual(joined, [payload]);
  assert.deepEqual(splitRtpPacket(packet, 5000, splitH264Payload), [packet], "fits: the packet itself");
  assert.equal(splitRtpPacket(packet, 1452, () => undefined), undefined);
  // With CSRCs and a header extension, the budget is what is left after the whole header.
  const withExt = new Uint8Array(12 + 4 + 8 + payload.length);
  withExt.set(packet.subarray(0, 12));
  withExt[0] = 0x91; // V=2, X=1, CC=1
  withExt.set([0xbe, 0xde, 0, 1, 1, 2, 3, 4], 16);
  withExt.set(payload, 24);
  const ext = splitRtpPacket(withExt, 1000, splitH264Payload)!;
  assert.ok(ext.every((p) => p.length <= 1000 && parseRtpHeader(p).payloadOffset === 24));
  assert.deepEqual(joinH264(ext.map((p) => p.subarray(24))), [payload]);
  assert.throws(() => splitRtpPacket(new Uint8Array(2000), 1452, splitH264Payload), RangeError);
});
