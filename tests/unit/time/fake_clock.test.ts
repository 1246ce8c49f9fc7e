import assert from "node:assert/strict";
import { FakeClock } from "../../_helpers/fake_clock.ts";
import { sleep, systemClock } from "../../../src/time/mod.ts";

Deno.test("FakeClock: timers run in time order, each at its own time, intervals repeat", () => {
  const c = new FakeClock(0);
  const seen: string[] = [];
  c.setTimeout(() => seen.push(`b@${c.now()}`), 20);
  c.setTimeout(() => seen.push(`a@${c.now()}`), 10);
  const every = c.setInterval(() => seen.push(`i@${c.now()}`), 15);
  const cancelled = c.setTimeout(() => seen.push("never"), 5);
  c.clearTimeout(cancelled);
  c.advance(31);
  assert.deepEqual(seen, ["a@10", "i@15", "b@20", "i@30"]);
  assert.equal(c.now(), 31);
  c.clearInterval(every);
  assert.equal(c.pending, 0);
});

Deno.test("FakeClock: a timer started by a callback within the advanced span runs too; sleep resolves", async () => {
  const c = new FakeClock(0);
  const seen: number[] = [];
  c.setTimeout(() => c.setTimeout(() => seen.push(c.now()), 5), 5);
  const slept = sleep(c, 8).then(() => seen.push(-1));
  c.advance(10);
  await slept;
  assert.deepEqual(seen, [10, -1]); // the promise continuation runs after advance() returns
  assert.ok(c.wallMs() > Date.UTC(2025, 0, 1));
  assert.ok(Math.abs(systemClock.wallMs() - Date.now()) < 1000);
});
