import assert from "node:assert/strict";
import { estimateRoc, packetIndex } from "../../../../src/wire/srtp/_rollover.ts";
import { ReplayWindow } from "../../../../src/wire/srtp/replay_window.ts";
import { prng, randInt } from "../../../_helpers/fuzz.ts";

Deno.test("ReplayWindow: new, replay and too-old around the highest index", () => {
  const w = new ReplayWindow(64);
  assert.equal(w.highest, -1);
  assert.equal(w.check(0), "new");
  w.accept(100);
  assert.equal(w.check(100), "replay");
  assert.equal(w.check(101), "new");
  assert.equal(w.check(37), "new"); // 63 behind: the oldest remembered
  assert.equal(w.check(36), "too-old"); // 64 behind
  w.accept(50);
  assert.equal(w.check(50), "replay");
  w.accept(1_000);
  assert.equal(w.check(100), "too-old");
  assert.equal(w.check(999), "new");
  assert.equal(w.highest, 1_000);
});

Deno.test("ReplayWindow: sliding forward forgets only what leaves the window", () => {
  const w = new ReplayWindow(64);
  for (let i = 0; i < 64; i += 2) w.accept(i);
  w.accept(70); // the window now holds 7..70
  for (let i = 7; i < 64; i++) assert.equal(w.check(i), i % 2 === 0 ? "replay" : "new", `index ${i}`);
  assert.equal(w.check(6), "too-old");
});

Deno.test("ReplayWindow: agrees with a Set-based model on random traffic, for several sizes", () => {
  for (const size of [64, 100, 128, 1024]) {
    const rand = prng(size);
    const w = new ReplayWindow(size);
    const seen = new Set<number>();
    let highest = -1;
    let base = 0;
    for (let i = 0; i < 20_000; i++) {
      base += randInt(rand, 3);
      const index = Math.max(0, base + randInt(rand, size * 2) - size - (rand() < 0.05 ? 5 * size : 0));
      const expected = index > highest
        ? "new"
        : highest - index >= size
        ? "too-old"
        : seen.has(index)
        ? "replay"
        : "new";
      assert.equal(w.check(index), expected, `size ${size}, step ${i}, index ${index}`);
      if (expected === "new") {
        w.accept(index);
        seen.add(index);
        highest = Math.max(highest, index);
      }
    }
  }
});

Deno.test("ReplayWindow: sizes outside 64..32768 are RangeErrors", () => {
  assert.throws(() => new ReplayWindow(63), RangeError);
  assert.throws(() => new ReplayWindow(32_769), RangeError);
  assert.throws(() => new ReplayWindow(Number.NaN), RangeError);
});

Deno.test("estimateRoc: RFC 3711 Appendix A guesses", () => {
  const table: { name: string; roc: number; highest: number; seq: number; expected: number }[] = [
    { name: "same cycle, ahead", roc: 5, highest: 100, seq: 200, expected: 5 },
    { name: "same cycle, behind", roc: 5, highest: 40_000, seq: 39_000, expected: 5 },
    { name: "sender wrapped", roc: 5, highest: 65_500, seq: 3, expected: 6 },
    { name: "late packet from before the wrap", roc: 5, highest: 3, seq: 65_500, expected: 4 },
    { name: "exactly half a cycle ahead stays", roc: 5, highest: 0, seq: 0x8000, expected: 5 },
    {
      name: "more than half a cycle ahead is the previous cycle",
      roc: 5,
      highest: 0,
      seq: 0x8001,
      expected: 4,
    },
    { name: "no cycle before 0", roc: 0, highest: 3, seq: 65_500, expected: 0 },
    { name: "high s_l, small seq within half a cycle stays", roc: 2, highest: 0x8000, seq: 0, expected: 2 },
    { name: "high s_l, seq just past half a cycle back wraps", roc: 2, highest: 0x8001, seq: 0, expected: 3 },
  ];
  for (const t of table) assert.equal(estimateRoc(t.roc, t.highest, t.seq), t.expected, t.name);
  assert.equal(packetIndex(0xffff_ffff, 0xffff), 2 ** 48 - 1);
});
