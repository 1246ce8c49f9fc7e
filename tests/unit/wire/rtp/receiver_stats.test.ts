import assert from "node:assert/strict";
import { RtpReceiverStats } from "../../../../src/wire/rtp/receiver_stats.ts";

/** Feeds sequence numbers with a perfectly regular clock (no jitter). */
function feed(stats: RtpReceiverStats, seqs: number[]): boolean[] {
  return seqs.map((seq) => stats.update(seq, seq * 3000, seq * 3000 + 12345));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

Deno.test("RtpReceiverStats counts an in-order stream from its first packet", () => {
  const stats = new RtpReceiverStats();
  assert.equal(stats.valid, false);
  assert.deepEqual(feed(stats, range(1000, 1010)), Array(10).fill(true));
  assert.equal(stats.valid, true);
  assert.equal(stats.packetsReceived, 10);
  assert.equal(stats.packetsExpected, 10);
  assert.equal(stats.cumulativeLost, 0);
  assert.equal(stats.fractionLost, 0);
  assert.equal(stats.extendedHighestSequence, 1009);
  assert.equal(stats.jitter, 0);
});

Deno.test("RtpReceiverStats reports losses as cumulative count and fraction (RFC 3550 §A.3)", () => {
  const stats = new RtpReceiverStats();
  feed(stats, [0, 1, 2, 5, 6, 7, 8, 9]);
  assert.equal(stats.packetsExpected, 10);
  assert.equal(stats.cumulativeLost, 2);
  assert.equal(stats.fractionLost, Math.floor((2 * 256) / 10)); // 51
  const block = stats.takeReportBlock(0xabcdef01);
  assert.deepEqual(block, {
    ssrc: 0xabcdef01,
    fractionLost: 51,
    cumulativeLost: 2,
    highestSequence: 9,
    jitter: 0,
    lastSr: 0,
    delaySinceLastSr: 0,
  });
  // A new interval without loss: the fraction resets, the cumulative count does not.
  feed(stats, range(10, 20));
  const next = stats.takeReportBlock(0xabcdef01);
  assert.equal(next.fractionLost, 0);
  assert.equal(next.cumulativeLost, 2);
  assert.equal(next.highestSequence, 19);
});

Deno.test("RtpReceiverStats extends the sequence number across the 16-bit wrap", () => {
  const stats = new RtpReceiverStats();
  feed(stats, [65533, 65534, 65535, 0, 1, 2]);
  assert.equal(stats.extendedHighestSequence, 65536 + 2);
  assert.equal(stats.packetsExpected, 6);
  assert.equal(stats.cumulativeLost, 0);
  // A gap that straddles the wrap is a loss, not a restart.
  feed(stats, [10]);
  assert.equal(stats.extendedHighestSequence, 65536 + 10);
  assert.equal(stats.cumulativeLost, 7);
});

Deno.test("RtpReceiverStats wraps more than once", () => {
  const stats = new RtpReceiverStats();
  let seq = 0;
  for (let i = 0; i < 3 * 65536 + 5; i++) {
    stats.update(seq, 0, 0);
    seq = (seq + 1) & 0xffff;
  }
  assert.equal(stats.extendedHighestSequence, 3 * 65536 + 4);
  assert.equal(stats.cumulativeLost, 0);
});

Deno.test("RtpReceiverStats tolerates reordering without counting a loss", () => {
  const stats = new RtpReceiverStats();
  assert.deepEqual(feed(stats, [1, 2, 4, 3, 5]), [true, true, true, true, true]);
  assert.equal(stats.packetsReceived, 5);
  assert.equal(stats.cumulativeLost, 0);
  assert.equal(stats.packetsOutOfOrder, 1);
  assert.equal(stats.extendedHighestSequence, 5);
});

Deno.test("RtpReceiverStats reordering across the wrap does not add a cycle", () => {
  const stats = new RtpReceiverStats();
  feed(stats, [65534, 0, 65535, 1]);
  assert.equal(stats.extendedHighestSequence, 65536 + 1);
  assert.equal(stats.cumulativeLost, 0);
});

Deno.test("RtpReceiverStats counts duplicates, so the cumulative loss goes negative (RFC 3550 §6.4.1)", () => {
  const stats = new RtpReceiverStats();
  feed(stats, [1, 2, 2, 3, 3]);
  assert.equal(stats.packetsReceived, 5);
  assert.equal(stats.packetsExpected, 3);
  assert.equal(stats.cumulativeLost, -2);
  assert.equal(stats.fractionLost, 0);
  assert.equal(stats.takeReportBlock(1).cumulativeLost, -2);
});

Deno.test("RtpReceiverStats ignores one stray big jump and restarts on two consecutive ones (RFC 3550 §A.1)", () => {
  const stats = new RtpReceiverStats();
  feed(stats, range(100, 106));
  assert.equal(stats.update(40000, 0, 0), false, "a lone jump is dropped");
  assert.equal(stats.update(106, 0, 0), true);
  assert.equal(stats.packetsReceived, 7);
  assert.equal(stats.extendedHighestSequence, 106);

  assert.equal(stats.update(50000, 0, 0), false);
  assert.equal(stats.update(50001, 0, 0), true, "the sender restarted its sequence");
  assert.equal(stats.packetsReceived, 1);
  assert.equal(stats.extendedHighestSequence, 50001);
  assert.equal(stats.cumulativeLost, 0);
});

Deno.test("RtpReceiverStats treats a forward jump below MAX_DROPOUT as loss", () => {
  const stats = new RtpReceiverStats();
  feed(stats, [0, 2999]);
  assert.equal(stats.cumulativeLost, 2998);
  assert.equal(stats.fractionLost, Math.floor((2998 * 256) / 3000));
});

Deno.test("RtpReceiverStats with minSequential 2 keeps a source on probation (RFC 3550 §A.1)", () => {
  const stats = new RtpReceiverStats({ minSequential: 2 });
  assert.equal(stats.update(10, 0, 0), false);
  assert.equal(stats.valid, false);
  assert.equal(stats.update(20, 0, 0), false, "not in sequence: probation starts over");
  assert.equal(stats.update(21, 0, 0), true);
  assert.equal(stats.valid, true);
  assert.equal(stats.packetsReceived, 1);
  assert.equal(stats.packetsExpected, 1);
  assert.equal(stats.update(22, 0, 0), true);
  assert.equal(stats.extendedHighestSequence, 22);
  assert.equal(stats.cumulativeLost, 0);
});

Deno.test("RtpReceiverStats accepts sequence number 0 as the first packet", () => {
  const stats = new RtpReceiverStats({ minSequential: 2 });
  assert.equal(stats.update(65535, 0, 0), false);
  assert.equal(stats.update(0, 0, 0), true);
  assert.equal(stats.extendedHighestSequence, 0);
});

Deno.test("RtpReceiverStats clamps the cumulative loss to 24 bits", () => {
  const stats = new RtpReceiverStats();
  let seq = 0;
  stats.update(seq, 0, 0);
  for (let i = 0; i < 2900; i++) {
    seq = (seq + 2999) & 0xffff;
    stats.update(seq, 0, 0);
  }
  assert.equal(stats.packetsExpected - stats.packetsReceived, 2900 * 2998);
  assert.equal(stats.cumulativeLost, 0x7fffff);
});

Deno.test("RtpReceiverStats computes interarrival jitter (RFC 3550 §A.8)", () => {
  const stats = new RtpReceiverStats();
  // 30 fps at 90 kHz; the third frame arrives 100 ticks late.
  stats.update(1, 0, 0);
  stats.update(2, 3000, 3000);
  stats.update(3, 6000, 6100);
  stats.update(4, 9000, 9000);
  // D = 0, 100, 100 -> J = 0, 6.25, 12.109375
  assert.equal(stats.jitter, 12);
  assert.equal(stats.takeReportBlock(5).jitter, 12);
});

Deno.test("RtpReceiverStats jitter is not disturbed by the 32-bit RTP timestamp wrap", () => {
  const stats = new RtpReceiverStats();
  const start = 2 ** 32 - 6000;
  for (let i = 0; i < 10; i++) {
    const ts = (start + i * 3000) % 2 ** 32;
    stats.update(i, ts, 1_000_000 + i * 3000);
  }
  assert.equal(stats.jitter, 0);
});

Deno.test("takeReportBlock() fills LSR and DLSR in 1/65536 s", () => {
  const stats = new RtpReceiverStats();
  feed(stats, [1]);
  const block = stats.takeReportBlock(7, { ntpMiddle32: 0x12345678, receivedAtMs: 1000 }, 1500);
  assert.equal(block.lastSr, 0x12345678);
  assert.equal(block.delaySinceLastSr, 32768);
  const now = stats.takeReportBlock(7, { ntpMiddle32: 1, receivedAtMs: 1000 }, 900);
  assert.equal(now.delaySinceLastSr, 0, "a clock going backwards gives 0, not a negative delay");
});

Deno.test("takeReportBlock() before any packet reports zeros", () => {
  assert.deepEqual(new RtpReceiverStats().takeReportBlock(3), {
    ssrc: 3,
    fractionLost: 0,
    cumulativeLost: 0,
    highestSequence: 0,
    jitter: 0,
    lastSr: 0,
    delaySinceLastSr: 0,
  });
});
