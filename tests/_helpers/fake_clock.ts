/**
 * A Clock whose time moves only when the test says so: `advance(ms)` runs every timer that falls
 * due, in time order (timers a callback starts are honoured within the same advance).
 */
import type { Clock, TimerId } from "../../src/time/mod.ts";

interface Timer {
  at: number;
  fn: () => void;
  every: number | undefined;
}

export class FakeClock implements Clock {
  #now: number;
  #wall: number;
  #next = 1;
  readonly #timers = new Map<TimerId, Timer>();

  constructor(startMs = 1_000_000, wallMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
    this.#wall = wallMs;
  }

  now(): number {
    return this.#now;
  }

  wallMs(): number {
    return this.#wall + this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerId {
    const id = this.#next++ as unknown as TimerId;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn, every: undefined });
    return id;
  }

  clearTimeout(id: TimerId | undefined): void {
    if (id !== undefined) this.#timers.delete(id);
  }

  setInterval(fn: () => void, ms: number): TimerId {
    const id = this.#next++ as unknown as TimerId;
    const every = Math.max(1, ms);
    this.#timers.set(id, { at: this.#now + every, fn, every });
    return id;
  }

  clearInterval(id: TimerId | undefined): void {
    this.clearTimeout(id);
  }

  /** Timers still pending. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, running each due timer at its own time. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let dueId: TimerId | undefined;
      let due: Timer | undefined;
      for (const [id, t] of this.#timers) {
        if (t.at <= end && (due === undefined || t.at < due.at)) [dueId, due] = [id, t];
      }
      if (due === undefined || dueId === undefined) break;
      this.#now = due.at;
      if (due.every === undefined) this.#timers.delete(dueId);
      else due.at += due.every;
      due.fn();
    }
    this.#now = end;
  }
}
