/**
 * Sliding-window replay protection (RFC 3711 §3.3.2, the bitmap of RFC 2401 Appendix C).
 *
 * The window remembers which of the last `size` indices below the highest one seen were
 * received. An index above the highest is new; one `size` or more below it is too old to tell
 * and is rejected; one inside the window is a replay if its bit is set. Bits live in a ring
 * indexed by `index % capacity`, so sliding forward only clears the bits it passes over.
 *
 * `check` never changes state: callers check, then authenticate and decrypt, then `accept`,
 * so a forged packet cannot move the window.
 */

/** What `check` found. */
export type ReplayVerdict = "new" | "replay" | "too-old";

/** Replay window over 48-bit SRTP or 31-bit SRTCP indices. */
export class ReplayWindow {
  readonly #size: number;
  readonly #bits: Uint32Array;
  readonly #capacity: number;
  #highest = -1;

  /** `size`: how many indices behind the highest one are remembered (RFC 3711 minimum: 64). */
  constructor(size = 64) {
    ReplayWindow.checkSize(size);
    this.#size = size;
    this.#capacity = Math.ceil(size / 32) * 32;
    this.#bits = new Uint32Array(this.#capacity / 32);
  }

  /** Throws `RangeError` unless `size` is an integer from 64 to 32768. */
  static checkSize(size: number): void {
    if (!Number.isInteger(size) || size < 64 || size > 32_768) {
      throw new RangeError(`Invalid SRTP replay window ${size}: expected an integer from 64 to 32768`);
    }
  }

  /** The highest index accepted so far, or -1. */
  get highest(): number {
    return this.#highest;
  }

  /** Whether `index` may be accepted. */
  check(index: number): ReplayVerdict {
    if (index > this.#highest) return "new";
    if (this.#highest - index >= this.#size) return "too-old";
    return this.#has(index) ? "replay" : "new";
  }

  /** Marks `index` as received, sliding the window forward when it is the new highest. */
  accept(index: number): void {
    if (index > this.#highest) {
      if (this.#highest < 0 || index - this.#highest >= this.#capacity) {
        this.#bits.fill(0);
      } else {
        for (let i = this.#highest + 1; i < index; i++) this.#clear(i);
      }
      this.#highest = index;
    }
    const bit = index % this.#capacity;
    this.#bits[bit >>> 5] |= 1 << (bit & 31);
  }

  #has(index: number): boolean {
    const bit = index % this.#capacity;
    return (this.#bits[bit >>> 5] & (1 << (bit & 31))) !== 0;
  }

  #clear(index: number): void {
    const bit = index % this.#capacity;
    this.#bits[bit >>> 5] &= ~(1 << (bit & 31));
  }
}
