/**
 * The one clock of the server: monotonic time, wall time and timers. Components take a Clock in
 * their options (default: the system's), so tests drive timeouts, keepalives and report intervals
 * with a fake one (`tests/_helpers/fake_clock.ts`) instead of waiting in real time.
 *
 * @module
 */

/** An opaque timer handle, as returned by `setTimeout`/`setInterval` of a Clock. */
export type TimerId = ReturnType<typeof setTimeout>;

export interface Clock {
  /** Monotonic milliseconds (like `performance.now()`): for durations and deadlines. */
  now(): number;
  /** Milliseconds since the Unix epoch (like `Date.now()`): for NTP timestamps and logs. */
  wallMs(): number;
  setTimeout(fn: () => void, ms: number): TimerId;
  clearTimeout(id: TimerId | undefined): void;
  setInterval(fn: () => void, ms: number): TimerId;
  clearInterval(id: TimerId | undefined): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallMs: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (id) => clearInterval(id),
};

/** Resolves after `ms` on `clock`. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
