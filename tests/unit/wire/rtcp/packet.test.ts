import assert from "node:assert/strict";
import {
  buildBye,
  buildCompound,
  buildReceiverReport,
  buildSdesCname,
  buildSenderReport,
  isRtcpPacket,
  parseBye,
  parseRtcpCompound,
  parseSdes,
  type ReceiverReport,
  type RtcpPacket,
  type SenderReport,
} from "../../../../src/wire/rtcp/mod.ts";
import { isRtpPacket } from "../../../../src/wire/rtp/packet.ts";

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/).filter(Boolean), (b) => parseInt(b, 16));

const BLOCK = {
  ssrc: 0xaabbccdd,
  fractionLost: 51,
  cumulativeLost: 2,
  highestSequence: 0x10009,
  jitter: 12,
  lastSr: 0x12345678,
  delaySinceLastSr: 0x8000,
};
const BLOCK_HEX = "aa bb cc dd  33 00 00 02  00 01 00 09  00 00 00 0c  12 34 56 78  00 00 80 00";

const senderReports: Array<{ name: string; raw: string; value: SenderReport }> = [
  {
    name: "SR without report blocks",
    raw: "80 c8 00 06  12 34 56 78  e8 a1 b2 c3 80 00 00 00  00 01 e2 40  00 00 00 64  00 00 27 10",
    value: {
      ssrc: 0x12345678,
      ntpTime: 0xe8a1b2c3_80000000n,
      rtpTime: 123456,
      packetCount: 100,
      octetCount: 10000,
      reports: [],
    },
  },
  {
    name: "SR with one report block",
    raw:
      `81 c8 00 0c  00 00 00 01  ff ff ff ff ff ff ff ff  ff ff ff ff  00 00 00 00  00 00 00 00  ${BLOCK_HEX}`,
    value: {
      ssrc: 1,
      ntpTime: 0xffffffff_ffffffffn,
      rtpTime: 0xffffffff,
      packetCount: 0,
      octetCount: 0,
      reports: [BLOCK],
    },
  },
];

const receiverReports: Array<{ name: string; raw: string; value: ReceiverReport }> = [
  { name: "empty RR", raw: "80 c9 00 01  de ad be ef", value: { ssrc: 0xdeadbeef, reports: [] } },
  {
    name: "RR with one block",
    raw: `81 c9 00 07  00 00 00 02  ${BLOCK_HEX}`,
    value: { ssrc: 2, reports: [BLOCK] },
  },
  {
    name: "RR with a negative cumulative loss (duplicates)",
    raw:
      "81 c9 00 07  00 00 00 02  00 00 00 09  00 ff ff fe  00 00 00 03  00 00 00 00  00 00 00 00  00 00 00 00",
    value: {
      ssrc: 2,
      reports: [
        {
          ssrc: 9,
          fractionLost: 0,
          cumulativeLost: -2,
          highestSequence: 3,
          jitter: 0,
          lastSr: 0,
          delaySinceLastSr: 0,
        },
      ],
    },
  },
  {
    name: "RR with the largest positive 24-bit loss and two blocks",
    raw: "82 c9 00 0d  00 00 00 02" +
      "  00 00 00 09  ff 7f ff ff  00 00 00 03  00 00 00 04  00 00 00 05  00 00 00 06" +
      "  00 00 00 0a  01 80 00 00  00 00 00 03  00 00 00 04  00 00 00 05  00 00 00 06",
    value: {
      ssrc: 2,
      reports: [
        {
          ssrc: 9,
          fractionLost: 255,
          cumulativeLost: 0x7fffff,
          highestSequence: 3,
          jitter: 4,
          lastSr: 5,
          delaySinceLastSr: 6,
        },
        {
          ssrc: 10,
          fractionLost: 1,
          cumulativeLost: -0x800000,
          highestSequence: 3,
          jitter: 4,
          lastSr: 5,
          delaySinceLastSr: 6,
        },
      ],
    },
  },
];

for (const c of senderReports) {
  Deno.test(`RTCP ${c.name} round-trips both ways`, () => {
    assert.deepEqual(buildSenderReport(c.value), hex(c.raw));
    assert.deepEqual(parseRtcpCompound(hex(c.raw)), [{ type: "sr", sr: c.value }]);
  });
}

for (const c of receiverReports) {
  Deno.test(`RTCP ${c.name} round-trips both ways`, () => {
    assert.deepEqual(buildReceiverReport(c.value), hex(c.raw));
    assert.deepEqual(parseRtcpCompound(hex(c.raw)), [{ type: "rr", rr: c.value }]);
  });
}

Deno.test("buildReceiverReport() clamps an out-of-range cumulative loss to 24 bits", () => {
  const rr = buildReceiverReport({ ssrc: 1, reports: [{ ...BLOCK, cumulativeLost: 10_000_000 }] });
  assert.deepEqual(rr.subarray(12, 16), hex("33 7f ff ff"));
  const neg = buildReceiverReport({ ssrc: 1, reports: [{ ...BLOCK, cumulativeLost: -10_000_000 }] });
  assert.deepEqual(neg.subarray(12, 16), hex("33 80 00 00"));
});

Deno.test("buildSenderReport() refuses more than 31 report blocks", () => {
  const sr = {
    ssrc: 1,
    ntpTime: 0n,
    rtpTime: 0,
    packetCount: 0,
    octetCount: 0,
    reports: Array(32).fill(BLOCK),
  };
  assert.throws(() => buildSenderReport(sr), RangeError);
  assert.equal(buildSenderReport({ ...sr, reports: Array(31).fill(BLOCK) }).length, 28 + 31 * 24);
});

const sdesCases = [
  { cname: "a", raw: "81 ca 00 02  12 34 56 78  01 01 61 00" },
  { cname: "ab", raw: "81 ca 00 03  12 34 56 78  01 02 61 62  00 00 00 00" },
  { cname: "abcde", raw: "81 ca 00 03  12 34 56 78  01 05 61 62  63 64 65 00" },
  { cname: "abcdef", raw: "81 ca 00 04  12 34 56 78  01 06 61 62  63 64 65 66  00 00 00 00" },
];

for (const c of sdesCases) {
  Deno.test(`buildSdesCname() pads a ${c.cname.length}-byte CNAME with at least one zero octet`, () => {
    const raw = buildSdesCname(0x12345678, c.cname);
    assert.deepEqual(raw, hex(c.raw));
    assert.deepEqual(parseSdes(raw), [{
      ssrc: 0x12345678,
      cname: c.cname,
      items: [{ type: 1, value: c.cname }],
    }]);
  });
}

Deno.test("buildSdesCname() encodes UTF-8 and refuses more than 255 bytes", () => {
  assert.deepEqual(parseSdes(buildSdesCname(1, "é@host"))[0].cname, "é@host");
  assert.throws(() => buildSdesCname(1, "x".repeat(256)), RangeError);
  assert.equal(buildSdesCname(1, "x".repeat(255)).length % 4, 0);
});

Deno.test("parseSdes() reads several chunks and items", () => {
  // Chunk 1: CNAME "ab" + NAME(2) "c"; chunk 2: CNAME "d".
  const raw = hex(
    "82 ca 00 06  00 00 00 01  01 02 61 62  02 01 63 00  00 00 00 02  01 01 64 00  00 00 00 00",
  );
  raw[3] = raw.length / 4 - 1;
  assert.deepEqual(parseSdes(raw), [
    { ssrc: 1, cname: "ab", items: [{ type: 1, value: "ab" }, { type: 2, value: "c" }] },
    { ssrc: 2, cname: "d", items: [{ type: 1, value: "d" }] },
  ]);
  assert.throws(() => parseSdes(hex("81 ca 00 01  00 00 00 01")), RangeError);
  assert.throws(() => parseSdes(hex("81 ca 00 02  00 00 00 01  01 09 61 62")), RangeError);
});

Deno.test("buildBye() and parseBye() round-trip, with and without reason", () => {
  assert.deepEqual(buildBye(0x12345678), hex("81 cb 00 01  12 34 56 78"));
  assert.deepEqual(parseBye(buildBye(0x12345678)), { ssrcs: [0x12345678] });
  assert.deepEqual(buildBye(1, "bye"), hex("81 cb 00 02  00 00 00 01  03 62 79 65"));
  assert.deepEqual(buildBye(1, "byebye"), hex("81 cb 00 03  00 00 00 01  06 62 79 65  62 79 65 00"));
  assert.deepEqual(parseBye(buildBye(1, "byebye")), { ssrcs: [1], reason: "byebye" });
  assert.throws(() => parseBye(hex("82 cb 00 01  00 00 00 01")), RangeError);
  assert.throws(() => parseBye(hex("81 cb 00 02  00 00 00 01  09 62 79 65")), RangeError);
});

Deno.test("buildCompound() concatenates SR + SDES and parseRtcpCompound() splits them (RFC 3550 §6.1)", () => {
  const sr = senderReports[0];
  const compound = buildCompound(
    buildSenderReport(sr.value),
    buildSdesCname(0x12345678, "server"),
    buildBye(7),
  );
  const packets = parseRtcpCompound(compound);
  assert.equal(packets.length, 3);
  assert.deepEqual(packets[0], { type: "sr", sr: sr.value });
  assert.equal(packets[1].type, "sdes");
  assert.equal(packets[2].type, "bye");
  const raw = (p: RtcpPacket) => ("raw" in p ? p.raw : new Uint8Array());
  assert.equal(parseSdes(raw(packets[1]))[0].cname, "server");
  assert.deepEqual(parseBye(raw(packets[2])), { ssrcs: [7] });
});

Deno.test("parseRtcpCompound() keeps APP and unknown packet types raw", () => {
  const app = hex("80 cc 00 02  00 00 00 01  74 65 73 74");
  const pli = hex("81 ce 00 02  00 00 00 01  00 00 00 02"); // RFC 4585 PSFB/PLI
  assert.deepEqual(parseRtcpCompound(buildCompound(app, pli)), [
    { type: "app", packetType: 204, raw: app },
    { type: "other", packetType: 206, raw: pli },
  ]);
});

Deno.test("parseRtcpCompound() honours the padding bit and ignores trailing zero bytes", () => {
  const padded = hex("a0 c9 00 02  00 00 00 05  00 00 00 04");
  assert.deepEqual(parseRtcpCompound(padded), [{ type: "rr", rr: { ssrc: 5, reports: [] } }]);
  const trailing = hex("80 c9 00 01  00 00 00 05  00 00 00 00 00 00");
  assert.deepEqual(parseRtcpCompound(trailing), [{ type: "rr", rr: { ssrc: 5, reports: [] } }]);
});

const malformed = [
  { name: "an empty buffer", raw: "" },
  { name: "a 3-byte buffer", raw: "80 c9 00" },
  { name: "version 1", raw: "40 c9 00 01  00 00 00 05" },
  { name: "all zeros", raw: "00 00 00 00" },
  { name: "a length beyond the buffer", raw: "80 c9 00 02  00 00 00 05" },
  {
    name: "an SR whose report count does not fit",
    raw: "81 c8 00 06  00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
  },
  { name: "an RR whose report count does not fit", raw: "81 c9 00 01  00 00 00 05" },
  { name: "an SR shorter than its sender info", raw: "80 c8 00 01  00 00 00 05" },
  { name: "a padding count of zero", raw: "a0 c9 00 01  00 00 00 00" },
  { name: "a padding count larger than the packet", raw: "a0 c9 00 01  00 00 00 09" },
  { name: "trailing garbage after a valid packet", raw: "80 c9 00 01  00 00 00 05  ff ff" },
];

for (const c of malformed) {
  Deno.test(`parseRtcpCompound() throws RangeError on ${c.name}`, () => {
    assert.throws(() => parseRtcpCompound(hex(c.raw)), RangeError);
  });
}

Deno.test("isRtcpPacket() and isRtpPacket() never both accept a packet (RFC 5761 §4)", () => {
  for (let second = 0; second < 256; second++) {
    const buf = hex("80 00 00 07  00 00 00 01  00 00 00 02");
    buf[1] = second;
    assert.ok(!(isRtcpPacket(buf) && isRtpPacket(buf)), `second byte ${second}`);
    // Second bytes 200-207 are RTCP; PT 72-79 without the marker is neither.
    const expected = second >= 200 && second <= 207
      ? "rtcp"
      : (second & 0x7f) >= 72 && (second & 0x7f) <= 79
      ? "none"
      : "rtp";
    assert.equal(
      isRtcpPacket(buf) ? "rtcp" : isRtpPacket(buf) ? "rtp" : "none",
      expected,
      `second byte ${second}`,
    );
  }
  assert.equal(isRtcpPacket(hex("80 c9 00")), false);
  assert.equal(isRtcpPacket(hex("40 c9 00 01")), false);
});
