import assert from "node:assert/strict";
import {
  buildRtpPacket,
  extendRtpSequenceNumber,
  isRtpPacket,
  parseRtpHeader,
  rtpMarker,
  rtpPayload,
  rtpPayloadType,
  rtpSequenceNumber,
  rtpSsrc,
  rtpTimestamp,
  setRtpPayloadType,
  setRtpSequenceNumber,
  setRtpSsrc,
  setRtpTimestamp,
  writeRtpHeader,
} from "../../../../src/wire/rtp/packet.ts";

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/).filter(Boolean), (b) => parseInt(b, 16));

const cases = [
  {
    name: "minimal header, PT 96, no marker",
    raw: "80 60 12 34 00 00 03 e8 de ad be ef  01 02 03",
    header: {
      version: 2,
      padding: false,
      extension: false,
      csrcCount: 0,
      marker: false,
      payloadType: 96,
      sequenceNumber: 0x1234,
      timestamp: 1000,
      ssrc: 0xdeadbeef,
      payloadOffset: 12,
      payloadLength: 3,
    },
    payload: "01 02 03",
  },
  {
    name: "marker bit with PT 0 and max field values",
    raw: "80 80 ff ff ff ff ff ff ff ff ff ff",
    header: {
      version: 2,
      padding: false,
      extension: false,
      csrcCount: 0,
      marker: true,
      payloadType: 0,
      sequenceNumber: 65535,
      timestamp: 0xffffffff,
      ssrc: 0xffffffff,
      payloadOffset: 12,
      payloadLength: 0,
    },
    payload: "",
  },
  {
    name: "two CSRCs",
    raw: "82 e1 00 01 00 00 00 02 00 00 00 03  11 11 11 11  22 22 22 22  aa",
    header: {
      version: 2,
      padding: false,
      extension: false,
      csrcCount: 2,
      marker: true,
      payloadType: 97,
      sequenceNumber: 1,
      timestamp: 2,
      ssrc: 3,
      payloadOffset: 20,
      payloadLength: 1,
    },
    payload: "aa",
  },
  {
    name: "one-word header extension (RFC 8285 one-byte profile 0xBEDE)",
    raw: "90 60 00 07 00 00 00 08 00 00 00 09  be de 00 01  10 ff 00 00  bb cc",
    header: {
      version: 2,
      padding: false,
      extension: true,
      csrcCount: 0,
      marker: false,
      payloadType: 96,
      sequenceNumber: 7,
      timestamp: 8,
      ssrc: 9,
      payloadOffset: 20,
      payloadLength: 2,
    },
    payload: "bb cc",
  },
  {
    name: "zero-length extension",
    raw: "90 60 00 07 00 00 00 08 00 00 00 09  00 01 00 00  bb",
    header: {
      version: 2,
      padding: false,
      extension: true,
      csrcCount: 0,
      marker: false,
      payloadType: 96,
      sequenceNumber: 7,
      timestamp: 8,
      ssrc: 9,
      payloadOffset: 16,
      payloadLength: 1,
    },
    payload: "bb",
  },
  {
    name: "padding of 3 octets",
    raw: "a0 60 00 07 00 00 00 08 00 00 00 09  aa bb  00 00 03",
    header: {
      version: 2,
      padding: true,
      extension: false,
      csrcCount: 0,
      marker: false,
      payloadType: 96,
      sequenceNumber: 7,
      timestamp: 8,
      ssrc: 9,
      payloadOffset: 12,
      payloadLength: 2,
    },
    payload: "aa bb",
  },
  {
    name: "padding, extension and CSRC together",
    raw: "b1 e0 00 07 00 00 00 08 00 00 00 09  12 34 56 78  00 00 00 01 ca fe ba be  01 02  00 02",
    header: {
      version: 2,
      padding: true,
      extension: true,
      csrcCount: 1,
      marker: true,
      payloadType: 96,
      sequenceNumber: 7,
      timestamp: 8,
      ssrc: 9,
      payloadOffset: 24,
      payloadLength: 2,
    },
    payload: "01 02",
  },
  {
    name: "padding that consumes the whole payload",
    raw: "a0 60 00 07 00 00 00 08 00 00 00 09  00 00 00 04",
    header: {
      version: 2,
      padding: true,
      extension: false,
      csrcCount: 0,
      marker: false,
      payloadType: 96,
      sequenceNumber: 7,
      timestamp: 8,
      ssrc: 9,
      payloadOffset: 12,
      payloadLength: 0,
    },
    payload: "",
  },
];

for (const c of cases) {
  Deno.test(`parseRtpHeader() decodes ${c.name}`, () => {
    const buf = hex(c.raw);
    const header = parseRtpHeader(buf);
    assert.deepEqual(header, c.header);
    assert.deepEqual(rtpPayload(buf, header), hex(c.payload));
    assert.equal(rtpSequenceNumber(buf), c.header.sequenceNumber);
    assert.equal(rtpTimestamp(buf), c.header.timestamp);
    assert.equal(rtpSsrc(buf), c.header.ssrc);
    assert.equal(rtpMarker(buf), c.header.marker);
    assert.equal(rtpPayloadType(buf), c.header.payloadType);
    assert.equal(isRtpPacket(buf), true);
  });
}

const invalid = [
  { name: "an empty buffer", raw: "" },
  { name: "11 bytes", raw: "80 60 00 01 00 00 00 02 00 00 00" },
  { name: "version 1", raw: "40 60 00 01 00 00 00 02 00 00 00 03" },
  { name: "version 0", raw: "00 60 00 01 00 00 00 02 00 00 00 03" },
  { name: "version 3", raw: "c0 60 00 01 00 00 00 02 00 00 00 03" },
  { name: "CSRC count beyond the buffer", raw: "83 60 00 01 00 00 00 02 00 00 00 03 11 11 11 11" },
  { name: "extension flag without extension header", raw: "90 60 00 01 00 00 00 02 00 00 00 03 be de" },
  {
    name: "extension length beyond the buffer",
    raw: "90 60 00 01 00 00 00 02 00 00 00 03 be de 00 02 00 00 00 00",
  },
  { name: "padding count of zero", raw: "a0 60 00 01 00 00 00 02 00 00 00 03 aa 00" },
  { name: "padding count larger than the payload", raw: "a0 60 00 01 00 00 00 02 00 00 00 03 aa 03" },
  { name: "padding flag with no payload byte", raw: "a0 60 00 01 00 00 00 02 00 00 00 03" },
];

for (const c of invalid) {
  Deno.test(`parseRtpHeader() throws RangeError on ${c.name}`, () => {
    assert.throws(() => parseRtpHeader(hex(c.raw)), RangeError);
  });
}

Deno.test("buildRtpPacket() writes the expected bytes", () => {
  const pkt = buildRtpPacket({
    marker: true,
    payloadType: 96,
    sequenceNumber: 0xabcd,
    timestamp: 0x01020304,
    ssrc: 0xfeedface,
    payload: hex("65 88 84"),
  });
  assert.deepEqual(pkt, hex("80 e0 ab cd 01 02 03 04 fe ed fa ce 65 88 84"));
});

Deno.test("buildRtpPacket() masks out-of-range fields to their wire width", () => {
  const pkt = buildRtpPacket({
    marker: false,
    payloadType: 0xff,
    sequenceNumber: 0x1_0001,
    timestamp: 2 ** 32 + 5,
    ssrc: -1,
    payload: new Uint8Array(),
  });
  assert.deepEqual(pkt, hex("80 7f 00 01 00 00 00 05 ff ff ff ff"));
});

Deno.test("buildRtpPacket() and parseRtpHeader() round-trip", () => {
  for (const marker of [false, true]) {
    for (const payloadType of [0, 8, 26, 96, 127]) {
      const init = {
        marker,
        payloadType,
        sequenceNumber: 65535,
        timestamp: 0x80000000,
        ssrc: 1,
        payload: hex("01"),
      };
      const h = parseRtpHeader(buildRtpPacket(init));
      assert.equal(h.marker, marker);
      assert.equal(h.payloadType, payloadType);
      assert.equal(h.sequenceNumber, 65535);
      assert.equal(h.timestamp, 0x80000000);
      assert.equal(h.ssrc, 1);
      assert.equal(h.payloadLength, 1);
    }
  }
});

Deno.test("setters rewrite fields in place and keep the rest", () => {
  const buf = hex("b1 e0 00 07 00 00 00 08 00 00 00 09 12 34 56 78 00 00 00 01 ca fe ba be 01 02 00 02");
  setRtpSsrc(buf, 0xa1b2c3d4);
  setRtpSequenceNumber(buf, 0xfffe);
  setRtpTimestamp(buf, 0xcafebabe);
  setRtpPayloadType(buf, 111);
  assert.deepEqual(
    buf,
    hex("b1 ef ff fe ca fe ba be a1 b2 c3 d4 12 34 56 78 00 00 00 01 ca fe ba be 01 02 00 02"),
  );
  assert.equal(rtpMarker(buf), true);
  assert.equal(parseRtpHeader(buf).payloadLength, 2);
});

Deno.test("writeRtpHeader() encodes into a caller's buffer at an offset", () => {
  const dst = new Uint8Array(16).fill(0xee);
  writeRtpHeader(dst, 4, { marker: false, payloadType: 8, sequenceNumber: 1, timestamp: 2, ssrc: 3 });
  assert.deepEqual(dst, hex("ee ee ee ee 80 08 00 01 00 00 00 02 00 00 00 03"));
  assert.throws(
    () => writeRtpHeader(dst, 5, { marker: false, payloadType: 8, sequenceNumber: 1, timestamp: 2, ssrc: 3 }),
    RangeError,
  );
});

Deno.test("isRtpPacket() rejects RTCP packet types (RFC 5761 §4) and short or non-v2 buffers", () => {
  const base = hex("80 60 00 01 00 00 00 02 00 00 00 03");
  for (const second of [200, 201, 202, 203, 204, 205, 206, 207, 72, 76]) {
    const buf = base.slice();
    buf[1] = second;
    assert.equal(isRtpPacket(buf), false, `second byte ${second}`);
  }
  for (const second of [0, 8, 71, 80, 96, 0xe0, 127 | 0x80]) {
    const buf = base.slice();
    buf[1] = second;
    assert.equal(isRtpPacket(buf), true, `second byte ${second}`);
  }
  assert.equal(isRtpPacket(base.subarray(0, 11)), false);
  assert.equal(isRtpPacket(hex("40 60 00 01 00 00 00 02 00 00 00 03")), false);
  // An RTCP RR is never mistaken for RTP.
  assert.equal(
    isRtpPacket(hex("81 c9 00 07 00 00 00 01 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00 00")),
    false,
  );
});

Deno.test("extendRtpSequenceNumber() reads a sequence number as the nearest 48-bit index (RFC 3711 §3.3.1)", () => {
  const table = [
    { name: "next packet", highest: 100, seq: 101, index: 101 },
    { name: "the wrap starts cycle 1", highest: 0xffff, seq: 0, index: 0x10000 },
    { name: "a gap across the wrap", highest: 0xfff0, seq: 5, index: 0x10005 },
    { name: "reordered before the wrap", highest: 0x10001, seq: 0xfffe, index: 0xfffe },
    { name: "reordered within a cycle", highest: 0x30010, seq: 0x000f, index: 0x3000f },
    { name: "no cycle before 0", highest: 3, seq: 0xfffe, index: 0xfffe },
    { name: "high ROC, wrap", highest: 0xfffe_ffff, seq: 1, index: 0xffff_0001 },
  ];
  for (const t of table) assert.equal(extendRtpSequenceNumber(t.highest, t.seq), t.index, t.name);
});
