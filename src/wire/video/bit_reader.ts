/** Reads the bits of an H.264/H.265 RBSP: fixed-width fields and Exp-Golomb codes (H.264 §9.1). */
export class BitReader {
  readonly #buf: Uint8Array;
  #pos = 0;

  constructor(buf: Uint8Array) {
    this.#buf = buf;
  }

  /** One bit; throws RangeError past the end. */
  bit(): number {
    const byte = this.#pos >> 3;
    if (byte >= this.#buf.length) throw new RangeError("Cannot read parameter set: truncated");
    const v = (this.#buf[byte] >> (7 - (this.#pos & 7))) & 1;
    this.#pos++;
    return v;
  }

  /** `n` bits (n ≤ 32) as an unsigned number. */
  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.bit();
    return v;
  }

  skip(n: number): void {
    for (let i = 0; i < n; i++) this.bit();
  }

  /** ue(v). */
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) {
      if (++zeros > 31) throw new RangeError("Cannot read parameter set: Exp-Golomb code too long");
    }
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  /** se(v). */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

/** The RBSP of a NAL unit: emulation-prevention bytes (00 00 03) removed, header bytes skipped. */
export function nalRbsp(nal: Uint8Array, headerBytes: number): Uint8Array {
  const out = new Uint8Array(nal.length);
  let n = 0;
  let zeros = 0;
  for (let i = headerBytes; i < nal.length; i++) {
    const b = nal[i];
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    zeros = b === 0 ? zeros + 1 : 0;
    out[n++] = b;
  }
  return out.subarray(0, n);
}
