/**
 * Shared pieces of the HTTP/1.x head codecs: finding the end of a head in a byte stream, and
 * turning header lines into `RtspHeaders` (RFC 9112 §5). Private to this folder.
 *
 * @module
 */
import { RtspHeaders } from "../rtsp/headers.ts";

/** Bounds on one HTTP head, so a peer cannot make us buffer without limit. */
export interface HttpHeadLimits {
  /** Largest head: start line, header lines and the blank line. */
  maxHeadBytes: number;
  /** Most header lines. */
  maxHeaderCount: number;
}

/** 16 KiB and 100 headers: a browser's WebSocket upgrade is about 500 bytes. */
export const DEFAULT_HTTP_HEAD_LIMITS: Readonly<HttpHeadLimits> = Object.freeze({
  maxHeadBytes: 16 * 1024,
  maxHeaderCount: 100,
});

const LF = 0x0a;
const CR = 0x0d;
const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Field values: visible ASCII, obs-text (0x80-0xFF), space and tab (RFC 9110 §5.5).
// deno-lint-ignore no-control-regex -- matching control characters is the point
const BAD_VALUE_CHAR_RE = /[\x00-\x08\x0a-\x1f\x7f]/;
// Header bytes are ISO-8859-1 by history (RFC 9110 §5.5); this maps every byte to one char.
const latin1 = new TextDecoder("latin1");

/**
 * Accumulates bytes until the blank line that ends a head (CRLF CRLF, or bare LF LF from sloppy
 * peers). `push()` returns the head text and the bytes after it once complete.
 */
class HeadScanner {
  readonly #maxBytes: number;
  #buf = new Uint8Array(512);
  #len = 0;
  #scanned = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Adds a chunk; throws RangeError when the head grows past the limit. */
  push(chunk: Uint8Array): { text: string; rest: Uint8Array } | undefined {
    if (this.#len + chunk.length > this.#buf.length) {
      let cap = this.#buf.length;
      while (cap < this.#len + chunk.length) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.#buf.subarray(0, this.#len));
      this.#buf = grown;
    }
    this.#buf.set(chunk, this.#len);
    this.#len += chunk.length;
    for (let i = this.#scanned; i < this.#len; i++) {
      if (this.#buf[i] !== LF) continue;
      // A LF followed by LF, or by CR LF, ends the head.
      let end = -1;
      if (i + 1 < this.#len && this.#buf[i + 1] === LF) end = i + 2;
      else if (i + 2 < this.#len && this.#buf[i + 1] === CR && this.#buf[i + 2] === LF) end = i + 3;
      else if (i + 2 >= this.#len) break; // wait for the bytes that decide
      if (end < 0) continue;
      if (end > this.#maxBytes) break; // reported below as too long
      const text = latin1.decode(this.#buf.subarray(0, end));
      const rest = this.#buf.slice(end, this.#len);
      this.#len = 0;
      this.#scanned = 0;
      return { text, rest };
    }
    if (this.#len > this.#maxBytes) {
      // Either no terminator within the limit or one beyond it: the head is too long.
      throw new RangeError(`Cannot parse HTTP head: longer than ${this.#maxBytes} bytes`);
    }
    // Resume two bytes back so a terminator split across chunks is still found.
    this.#scanned = Math.max(0, this.#len - 2);
    return undefined;
  }
}

/** Splits a head into its start line and parsed headers; throws SyntaxError or RangeError. */
export function splitHead(text: string, limits: HttpHeadLimits): { startLine: string; headers: RtspHeaders } {
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const startLine = lines.shift() ?? "";
  if (lines.length > limits.maxHeaderCount) {
    throw new RangeError(`Cannot parse HTTP head: more than ${limits.maxHeaderCount} headers`);
  }
  const headers = new RtspHeaders();
  for (const line of lines) {
    // RFC 9112 §5.2: obsolete line folding may be rejected; nothing we serve sends it.
    if (line.startsWith(" ") || line.startsWith("\t")) {
      throw new SyntaxError(`Cannot parse HTTP head: folded header line "${clip(line)}"`);
    }
    const colon = line.indexOf(":");
    const name = colon < 0 ? "" : line.slice(0, colon);
    if (!TOKEN_RE.test(name)) {
      throw new SyntaxError(`Cannot parse HTTP head: invalid header line "${clip(line)}"`);
    }
    const value = line.slice(colon + 1).trim();
    if (BAD_VALUE_CHAR_RE.test(value)) {
      throw new SyntaxError(`Cannot parse HTTP head: control character in header "${name}"`);
    }
    headers.append(name, value);
  }
  return { startLine, headers };
}

/** Formats a start line and headers as a head, ending in the blank line. */
export function joinHead(startLine: string, headers: Iterable<readonly [string, string]>): Uint8Array {
  let text = `${startLine}\r\n`;
  for (const [name, value] of headers) {
    if (!TOKEN_RE.test(name) || BAD_VALUE_CHAR_RE.test(value)) {
      throw new RangeError(`Cannot format HTTP header "${clip(name)}"`);
    }
    text += `${name}: ${value}\r\n`;
  }
  return new TextEncoder().encode(`${text}\r\n`);
}

/** Shortens text quoted in error messages. */
export function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** Incremental head parser: scans chunks for the blank line, then parses the head with `parse`. */
export class IncrementalHeadParser<T> {
  readonly #scanner: HeadScanner;
  readonly #parse: (text: string) => T;

  constructor(maxHeadBytes: number, parse: (text: string) => T) {
    this.#scanner = new HeadScanner(maxHeadBytes);
    this.#parse = parse;
  }

  /** Adds received bytes; returns the head and the bytes after it once the blank line has arrived. */
  push(chunk: Uint8Array): { head: T; rest: Uint8Array } | undefined {
    const done = this.#scanner.push(chunk);
    if (done === undefined) return undefined;
    return { head: this.#parse(done.text), rest: done.rest };
  }
}
