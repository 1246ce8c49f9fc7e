import assert from "node:assert/strict";
import { extractH264ParameterSets, h264NalTypes, isH264RandomAccess } from "../../../../src/wire/rtp/h264.ts";
import { extractH265ParameterSets, h265NalTypes, isH265RandomAccess } from "../../../../src/wire/rtp/h265.ts";
import { buildRtpPacket, isRtpPacket, parseRtpHeader } from "../../../../src/wire/rtp/packet.ts";
import { RtpReceiverStats } from "../../../../src/wire/rtp/receiver_stats.ts";
import { fuzzLoop, prng, randomBytes } from "../../../_helpers/fuzz.ts";

Deno.test("fuzz: parseRtpHeader() throws only RangeError and never reads past the buffer", () => {
  fuzzLoop({
    corpus: "rtp_header",
    seed: 0x5eed,
    iterations: 20_000,
    generate: (rand) => {
      const buf = randomBytes(rand, 64);
      if (rand() < 0.7 && buf.length > 0) buf[0] = (buf[0] & 0x3f) | 0x80; // mostly version 2
      return buf;
    },
    check: (buf) => {
      try {
        const h = parseRtpHeader(buf);
        assert.ok(h.payloadOffset >= 12 && h.payloadOffset + h.payloadLength <= buf.length);
        assert.ok(h.payloadLength >= 0);
        assert.equal(isRtpPacket(buf) || (h.payloadType >= 72 && h.payloadType <= 79), true);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
      }
    },
  });
});

Deno.test("fuzz: mutated valid packets parse or throw RangeError", () => {
  const rand = prng(42);
  for (let i = 0; i < 5_000; i++) {
    const pkt = buildRtpPacket({
      marker: rand() < 0.5,
      payloadType: 96,
      sequenceNumber: i & 0xffff,
      timestamp: i * 3000,
      ssrc: 1234,
      payload: randomBytes(rand, 40),
    });
    pkt[Math.floor(rand() * pkt.length)] ^= 1 << Math.floor(rand() * 8);
    try {
      parseRtpHeader(pkt);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
    }
  }
});

Deno.test("fuzz: H.264/H.265 payload inspection never throws", () => {
  const rand = prng(7);
  for (let i = 0; i < 20_000; i++) {
    const payload = randomBytes(rand, 48);
    h264NalTypes(payload);
    isH264RandomAccess(payload);
    extractH264ParameterSets(payload);
    h265NalTypes(payload);
    isH265RandomAccess(payload);
    isH265RandomAccess(payload, { donl: true });
    extractH265ParameterSets(payload);
  }
});

Deno.test("fuzz: RtpReceiverStats keeps its invariants on random sequence numbers", () => {
  const rand = prng(99);
  const stats = new RtpReceiverStats();
  let seq = 0;
  for (let i = 0; i < 50_000; i++) {
    const r = rand();
    seq = r < 0.9
      ? (seq + 1) & 0xffff
      : r < 0.97
      ? (seq + Math.floor(rand() * 200) - 100) & 0xffff
      : Math.floor(rand() * 65536);
    stats.update(seq, Math.floor(rand() * 2 ** 32), i * 3000);
    if (i % 1000 === 0) {
      const block = stats.takeReportBlock(1);
      assert.ok(block.fractionLost >= 0 && block.fractionLost <= 255);
      assert.ok(block.cumulativeLost >= -0x800000 && block.cumulativeLost <= 0x7fffff);
      assert.ok(Number.isInteger(block.jitter) && block.jitter >= 0 && block.jitter < 2 ** 32);
      assert.ok(block.highestSequence >= 0 && block.highestSequence < 2 ** 32);
    }
  }
});
