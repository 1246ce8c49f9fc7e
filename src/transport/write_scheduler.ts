/**
 * Starts the pending writes of many StreamWriters together, so that the packets a reader
 * receives in a burst (a video frame is a dozen RTP packets, fanned out one by one) leave in
 * one write instead of one write each.
 *
 * With `delayMs` 0 the writes start at the end of the current event-loop turn (a microtask):
 * everything one publisher read fanned out is merged, at no added latency. With `delayMs` > 0
 * they start on one shared timer that long after the first was scheduled: bursts that arrive as
 * separate datagrams (a UDP publisher) merge too, at the cost of at most `delayMs` of latency.
 *
 * @module
 */

/** A writer whose pending chunks a scheduler starts. */
export interface ScheduledWriter {
  /** Starts writing what is queued (called once per `schedule`). */
  flushScheduled(): void;
}

/** One shared flush point for many writers. */
export class WriteScheduler {
  /** 0: end of the current turn; otherwise the longest a chunk waits before its write starts. */
  readonly delayMs: number;
  #pending: ScheduledWriter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armed = false;
  readonly #run = () => this.#flushAll();

  constructor(delayMs = 0) {
    if (!(delayMs >= 0)) throw new RangeError(`Cannot schedule writes: invalid delay ${delayMs}`);
    this.delayMs = delayMs;
  }

  /** Starts `writer` at the next flush point (the caller makes sure it is scheduled once). */
  schedule(writer: ScheduledWriter): void {
    this.#pending.push(writer);
    if (this.#armed) return;
    this.#armed = true;
    if (this.delayMs === 0) queueMicrotask(this.#run);
    else this.#timer = setTimeout(this.#run, this.delayMs);
  }

  /** Starts every scheduled writer now and cancels the timer (server shutdown). */
  close(): void {
    clearTimeout(this.#timer);
    this.#flushAll();
  }

  #flushAll(): void {
    this.#armed = false;
    this.#timer = undefined;
    const writers = this.#pending;
    this.#pending = [];
    for (const w of writers) w.flushScheduled();
  }
}
