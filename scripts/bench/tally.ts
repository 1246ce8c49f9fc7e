/**
 * Window accounting of the load process: which sequence numbers each reader got between `mark`
 * and `stop`, and a latency histogram of arrival time minus the publisher's send time of the
 * same packet (both on CLOCK_REALTIME).
 *
 * @module
 */

/** Sequence numbers a window can hold per media (about 90 s of 4 Mbit/s video). */
const WINDOW_SEQS = 32768;
/** Latency histogram: 10 µs bins up to 2 s. */
const BIN_MS = 0.01;
const BINS = 200_000;

/** The publisher's send time of every sequence number, per media. */
export class SendTimes {
  readonly #times: Float64Array[];
  constructor(medias: number) {
    this.#times = Array.from({ length: medias }, () => new Float64Array(65536));
  }
  /** Records that `seq` of `media` left the publisher at `ms` (realtime). */
  set(media: number, seq: number, ms: number): void {
    this.#times[media][seq] = ms;
  }
  /** Send time of `seq`, 0 when unknown. */
  get(media: number, seq: number): number {
    return this.#times[media]?.[seq] ?? 0;
  }
}

/** The measurement window shared by every reader of a run. */
export class Window {
  open = false;
  /** First sequence number of the window, per media. */
  readonly start: number[];
  /** Packets the publisher sent in the window, per media (set by `close`). */
  expected: number[] | undefined;
  readonly histogram = new Uint32Array(BINS);
  overflow = 0;
  samples = 0;
  readonly sendTimes: SendTimes;

  constructor(readonly medias: number, sendTimes: SendTimes) {
    this.start = new Array(medias).fill(0);
    this.sendTimes = sendTimes;
  }

  /** Opens the window at the publisher's next sequence numbers. */
  mark(nextSeq: readonly number[]): void {
    for (let m = 0; m < this.medias; m++) this.start[m] = nextSeq[m] & 0xffff;
    this.histogram.fill(0);
    this.overflow = 0;
    this.samples = 0;
    this.expected = undefined;
    this.open = true;
  }

  /** Fixes the window's end at the publisher's next sequence numbers (readers keep counting late arrivals). */
  close(nextSeq: readonly number[]): void {
    this.expected = this.start.map((s, m) => (nextSeq[m] - s) & 0xffff);
  }

  /** Adds one latency sample. */
  addLatency(ms: number): void {
    this.samples++;
    const bin = Math.floor((ms < 0 ? 0 : ms) / BIN_MS);
    if (bin >= BINS) this.overflow++;
    else this.histogram[bin]++;
  }

  /** The latency below which `q` (0..1) of the samples fall, in ms. */
  quantile(q: number): number {
    if (this.samples === 0) return NaN;
    const target = Math.ceil(q * this.samples);
    let seen = 0;
    for (let i = 0; i < BINS; i++) {
      seen += this.histogram[i];
      if (seen >= target) return (i + 0.5) * BIN_MS;
    }
    return BINS * BIN_MS;
  }
}

/** What one receiver got in the window. */
export class Tally {
  readonly #bits: Uint8Array[];
  readonly #window: Window;

  constructor(window: Window) {
    this.#window = window;
    this.#bits = Array.from({ length: window.medias }, () => new Uint8Array(WINDOW_SEQS / 8));
  }

  /** Forgets everything (at `mark`). */
  reset(): void {
    for (const b of this.#bits) b.fill(0);
  }

  /** One received packet (hot path of the load process). */
  record(media: number, seq: number, arrivalMs: number): void {
    const w = this.#window;
    if (!w.open) return;
    const d = (seq - w.start[media]) & 0xffff;
    if (d >= WINDOW_SEQS) return;
    const bits = this.#bits[media];
    const mask = 1 << (d & 7);
    if ((bits[d >> 3] & mask) !== 0) return; // duplicate
    bits[d >> 3] |= mask;
    const sent = w.sendTimes.get(media, seq);
    if (sent > 0) w.addLatency(arrivalMs - sent);
  }

  /** Received and missing packets and loss runs (gaps) in [0, expected) per media, summed. */
  count(expected: readonly number[]): { received: number; lost: number; gaps: number } {
    let received = 0;
    let gaps = 0;
    let total = 0;
    for (let m = 0; m < expected.length; m++) {
      const bits = this.#bits[m];
      let inGap = false;
      for (let d = 0; d < expected[m]; d++) {
        const got = (bits[d >> 3] & (1 << (d & 7))) !== 0;
        if (got) received++;
        else if (!inGap) gaps++;
        inGap = !got;
      }
      total += expected[m];
    }
    return { received, lost: total - received, gaps };
  }
}
