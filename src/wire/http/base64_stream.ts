/**
 * Base64 (RFC 4648 §4) for the body of an RTSP-over-HTTP tunnel POST. Pure: no I/O.
 *
 * The POST body is one long base64 text that arrives in arbitrary TCP chunks, and tunnel clients
 * encode each RTSP write separately, so padding can appear in the middle of the stream
 * (`T1BU...Cg==REVT...`): every `=` or `==` ends a quantum and decoding starts afresh after it.
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const SKIP = -2;
const PAD = -3;
const INVALID = -1;

/** Value of each byte: 0-63 for the alphabet, SKIP for CR/LF/space/tab, PAD for `=`. */
const DECODE = (() => {
  const table = new Int8Array(256).fill(INVALID);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  for (const c of "\r\n \t") table[c.charCodeAt(0)] = SKIP;
  table["=".charCodeAt(0)] = PAD;
  return table;
})();

const ENCODE = new TextEncoder().encode(ALPHABET);

/**
 * Decodes base64 pushed in any chunking. Whitespace is ignored anywhere; `=` padding may close a
 * quantum in mid-stream. Any other byte, or padding in the wrong place, throws SyntaxError, after
 * which the decoder must be dropped.
 */
export class Base64StreamDecoder {
  /** Sextets gathered for the current quantum (0-3). */
  #count = 0;
  #bits = 0;
  /** `=` still expected to finish a `xx==` quantum. */
  #padLeft = 0;
  /** Offset of the next byte in the whole stream, for error messages. */
  #offset = 0;

  /** Decodes `chunk`, returning the bytes it completes (possibly none). */
  push(chunk: Uint8Array): Uint8Array {
    const out = new Uint8Array(Math.floor((chunk.length + this.#count) / 4) * 3 + 3);
    let n = 0;
    let count = this.#count;
    let bits = this.#bits;
    let padLeft = this.#padLeft;
    for (let i = 0; i < chunk.length; i++) {
      const v = DECODE[chunk[i]];
      if (v >= 0) {
        if (padLeft > 0) this.#fail(i, "data after a single '=' where '==' was due");
        bits = (bits << 6) | v;
        if (++count === 4) {
          out[n++] = bits >>> 16;
          out[n++] = (bits >>> 8) & 0xff;
          out[n++] = bits & 0xff;
          count = 0;
          bits = 0;
        }
      } else if (v === SKIP) {
        continue;
      } else if (v === PAD) {
        if (padLeft > 0) {
          padLeft--;
        } else if (count === 2) {
          out[n++] = (bits >>> 4) & 0xff;
          padLeft = 1;
          count = 0;
          bits = 0;
        } else if (count === 3) {
          out[n++] = (bits >>> 10) & 0xff;
          out[n++] = (bits >>> 2) & 0xff;
          count = 0;
          bits = 0;
        } else {
          this.#fail(i, "'=' after " + count + " characters of a quantum");
        }
      } else {
        this.#fail(i, `invalid byte 0x${chunk[i].toString(16).padStart(2, "0")}`);
      }
    }
    this.#count = count;
    this.#bits = bits;
    this.#padLeft = padLeft;
    this.#offset += chunk.length;
    return out.subarray(0, n);
  }

  /** Whether the input so far ends on a quantum boundary (nothing half-decoded). */
  get complete(): boolean {
    return this.#count === 0 && this.#padLeft === 0;
  }

  /** Checks that the stream ended cleanly; throws SyntaxError on a truncated quantum. */
  finish(): void {
    if (!this.complete) throw new SyntaxError("Cannot decode base64 stream: truncated at the end");
  }

  #fail(index: number, why: string): never {
    throw new SyntaxError(`Cannot decode base64 stream at byte ${this.#offset + index}: ${why}`);
  }
}

/** Encodes `bytes` as padded base64, returned as ASCII bytes ready to write. */
export function encodeBase64(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = ENCODE[v >>> 18];
    out[o++] = ENCODE[(v >>> 12) & 63];
    out[o++] = ENCODE[(v >>> 6) & 63];
    out[o++] = ENCODE[v & 63];
  }
  const left = bytes.length - i;
  if (left > 0) {
    const v = (bytes[i] << 16) | (left === 2 ? bytes[i + 1] << 8 : 0);
    out[o++] = ENCODE[v >>> 18];
    out[o++] = ENCODE[(v >>> 12) & 63];
    out[o++] = left === 2 ? ENCODE[(v >>> 6) & 63] : 0x3d;
    out[o++] = 0x3d;
  }
  return out;
}
