/** Bounds-checked big-endian reads over a MIKEY message; overruns are `SyntaxError`s. */
export class MikeyReader {
  readonly #data: Uint8Array;
  #offset = 0;

  constructor(data: Uint8Array) {
    this.#data = data;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.#data.length - this.#offset;
  }

  /** Reads one byte; `what` names the field in the error. */
  uint8(what: string): number {
    this.#need(1, what);
    return this.#data[this.#offset++];
  }

  /** Reads a 16-bit unsigned integer. */
  uint16(what: string): number {
    this.#need(2, what);
    const d = this.#data, o = this.#offset;
    this.#offset += 2;
    return (d[o] << 8) | d[o + 1];
  }

  /** Reads a 32-bit unsigned integer. */
  uint32(what: string): number {
    this.#need(4, what);
    const d = this.#data, o = this.#offset;
    this.#offset += 4;
    return ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
  }

  /** Reads a 64-bit unsigned integer. */
  uint64(what: string): bigint {
    const high = this.uint32(what);
    return (BigInt(high) << 32n) | BigInt(this.uint32(what));
  }

  /** Reads `length` bytes (a copy). */
  bytes(length: number, what: string): Uint8Array {
    this.#need(length, what);
    const out = new Uint8Array(length);
    out.set(this.#data.subarray(this.#offset, this.#offset + length));
    this.#offset += length;
    return out;
  }

  /** The unread bytes (a view). */
  rest(): Uint8Array {
    return this.#data.subarray(this.#offset);
  }

  #need(n: number, what: string): void {
    if (this.#offset + n > this.#data.length) {
      throw new SyntaxError(`Cannot parse MIKEY message: truncated ${what}`);
    }
  }
}
