/**
 * Incremental framing of an RTSP byte stream: requests, responses and `$` interleaved frames
 * (RFC 2326 §4, §10.12), in any chunking. Pure: no I/O, no timers.
 *
 * @module
 */
import { contentLengthOfLine, parseHead } from "./_head.ts";
import type { RtspRequest, RtspResponse } from "./message.ts";
import { RtspError } from "./rtsp_error.ts";

/** Bounds that keep a misbehaving peer from making the framer buffer without limit. */
export interface FramerLimits {
  /** Longest request, status or header line (without the line end). */
  maxLineBytes: number;
  /** Most header fields in one message (after folding). */
  maxHeaderCount: number;
  /** Largest header block: start line, headers and the blank line. */
  maxHeaderBytes: number;
  /** Largest body announced by `Content-Length`. */
  maxBodyBytes: number;
}

/**
 * Defaults after gortsplib's limits (URL ≤ 2048, header key ≤ 512 and value ≤ 2048, ≤ 255
 * headers, body ≤ 128 KiB): a 4 KiB line holds either a request line or a header line.
 */
export const DEFAULT_FRAMER_LIMITS: Readonly<FramerLimits> = Object.freeze({
  maxLineBytes: 4096,
  maxHeaderCount: 255,
  maxHeaderBytes: 16 * 1024,
  maxBodyBytes: 128 * 1024,
});

/**
 * One unit read from an RTSP connection. An `invalid` frame carries the status to answer with and,
 * in `raw`, the rejected head (or its first line) as text, so the server can still echo `CSeq`.
 */
export type RtspFrame =
  | { kind: "request"; request: RtspRequest }
  | { kind: "response"; response: RtspResponse }
  | { kind: "interleaved"; channel: number; payload: Uint8Array }
  | { kind: "invalid"; error: RtspError; raw?: string };

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const DOLLAR = 0x24;
const SLASH = 0x2f;
const UNDERSCORE = 0x5f;
/** A method token longer than this is garbage, not a request (gortsplib: 64). */
const MAX_METHOD_BYTES = 64;
/**
 * Small at first: a reader's connection only carries requests and RTCP, and with hundreds of
 * readers 64 KiB each was most of the server's memory per reader (`deno task bench`). A
 * publisher's frames make it grow (#makeRoom).
 */
const INITIAL_CAPACITY = 4 * 1024;
/** An empty buffer larger than this is given back after a burst of big frames. */
const SHRINK_ABOVE = 1024 * 1024;

type Mode = "frame" | "discardHeaders" | "skipBody";

const decoder = new TextDecoder();

/**
 * Turns pushed chunks into frames. Call `push()` with what the socket gave, then `next()` until
 * it returns undefined. Never throws on input; malformed messages become `invalid` frames and the
 * framer resynchronises (skipping the rest of the message, then bytes up to a plausible start).
 */
export class RtspFramer {
  readonly #limits: FramerLimits;
  #buf = new Uint8Array(INITIAL_CAPACITY);
  #start = 0;
  #end = 0;
  #mode: Mode = "frame";
  /** Kind of the message whose head is being scanned, once its first bytes were recognised. */
  #message: "request" | "response" | undefined;
  /** Scan progress inside the current head, relative to #start, so no byte is scanned twice. */
  #scanOff = 0;
  #lineOff = 0;
  /** Parsed head waiting for its body. */
  #pending: { frame: RtspFrame; headBytes: number; bodyBytes: number } | undefined;
  #skipRemaining = 0;
  #discardLength: number | undefined;
  #inLongLine = false;
  #discarded = 0;
  readonly #payloadViews: boolean;

  /**
   * `payloadViews: true` hands out each interleaved payload as a view into the framer's buffer,
   * valid until the next `push()`: for a consumer that uses or copies it at once (the server's
   * publisher path, which the stream copies anyway), one copy per packet less. By default the
   * payload is a copy the caller may keep.
   */
  constructor(limits?: Partial<FramerLimits>, options: { payloadViews?: boolean } = {}) {
    this.#limits = { ...DEFAULT_FRAMER_LIMITS, ...limits };
    this.#payloadViews = options.payloadViews === true;
  }

  /** Bytes dropped without becoming a frame: resync garbage and the remainder of rejected messages. */
  get discardedBytes(): number {
    return this.#discarded;
  }

  /** Bytes pushed but not yet returned or discarded. */
  get bufferedBytes(): number {
    return this.#end - this.#start;
  }

  /** Appends bytes from the stream; the chunk is copied, so the caller may reuse it. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    if (this.#start === this.#end) {
      this.#start = this.#end = 0;
      if (this.#buf.length > SHRINK_ABOVE && n <= INITIAL_CAPACITY) {
        this.#buf = new Uint8Array(INITIAL_CAPACITY);
      }
    }
    if (this.#end + n > this.#buf.length) this.#makeRoom(n);
    this.#buf.set(chunk, this.#end);
    this.#end += n;
  }

  /** The next complete frame, or undefined when more bytes are needed. */
  next(): RtspFrame | undefined {
    for (;;) {
      if (this.#mode === "skipBody") {
        const n = Math.min(this.#end - this.#start, this.#skipRemaining);
        this.#drop(n);
        this.#skipRemaining -= n;
        if (this.#skipRemaining > 0) return undefined;
        this.#mode = "frame";
        continue;
      }
      if (this.#mode === "discardHeaders") {
        if (!this.#discardHeaderLines()) return undefined;
        continue;
      }
      if (this.#pending !== undefined) return this.#takeBody();
      if (this.#message === undefined) {
        if (this.#start === this.#end) return undefined;
        if (this.#buf[this.#start] === DOLLAR) return this.#takeInterleaved();
        const kind = this.#classify();
        if (kind === "more") return undefined;
        if (kind === "garbage") {
          // Resync one byte at a time, like gortsplib, so a frame starting anywhere is found.
          this.#start++;
          this.#discarded++;
          continue;
        }
        this.#message = kind;
        this.#scanOff = 0;
        this.#lineOff = 0;
      }
      const frame = this.#scanHead();
      if (frame !== undefined || this.#pending === undefined) return frame;
    }
  }

  /** Interleaved frame at #start (RFC 2326 §10.12): `$`, channel, 16-bit BE length, payload. */
  #takeInterleaved(): RtspFrame | undefined {
    const buf = this.#buf;
    const s = this.#start;
    if (this.#end - s < 4) return undefined;
    const length = (buf[s + 2] << 8) | buf[s + 3];
    const total = 4 + length;
    if (this.#end - s < total) return undefined;
    const payload = this.#payloadViews ? buf.subarray(s + 4, s + total) : buf.slice(s + 4, s + total);
    this.#start = s + total;
    return { kind: "interleaved", channel: buf[s + 1], payload };
  }

  /** Whether #start begins a request (`TOKEN SP`), a response (`RTSP/`), or neither. */
  #classify(): "request" | "response" | "garbage" | "more" {
    const buf = this.#buf;
    const s = this.#start;
    for (let i = s; i < this.#end; i++) {
      const c = buf[i];
      if ((c >= 0x41 && c <= 0x5a) || c === UNDERSCORE) {
        if (i - s >= MAX_METHOD_BYTES) return "garbage";
        continue;
      }
      if (c === SP && i > s) return "request";
      if (
        c === SLASH && i - s === 4 && buf[s] === 0x52 && buf[s + 1] === 0x54 && buf[s + 2] === 0x53 &&
        buf[s + 3] === 0x50
      ) {
        return "response";
      }
      return "garbage";
    }
    return "more";
  }

  /**
   * Looks for the blank line ending the head, resuming where the last call stopped. Returns an
   * `invalid` frame, or undefined with #pending set (head parsed) or not (need more bytes).
   */
  #scanHead(): RtspFrame | undefined {
    const buf = this.#buf;
    const s = this.#start;
    const end = this.#end;
    const { maxLineBytes, maxHeaderBytes } = this.#limits;
    let lineStart = s + this.#lineOff;
    for (let i = s + this.#scanOff; i < end; i++) {
      if (buf[i] !== LF) continue;
      const lineEnd = i > lineStart && buf[i - 1] === CR ? i - 1 : i;
      if (lineEnd - lineStart > maxLineBytes) {
        return this.#abortHead(i + 1, lineStart, false, `line longer than ${maxLineBytes} bytes`);
      }
      if (lineEnd === lineStart) return this.#completeHead(i + 1 - s);
      lineStart = i + 1;
    }
    // Line end may be split as CR | LF, hence the +1.
    if (end - lineStart > maxLineBytes + 1) {
      return this.#abortHead(end, lineStart, true, `line longer than ${maxLineBytes} bytes`);
    }
    if (end - s > maxHeaderBytes) {
      return this.#abortHead(lineStart, lineStart, false, `header block larger than ${maxHeaderBytes} bytes`);
    }
    this.#scanOff = end - s;
    this.#lineOff = lineStart - s;
    return undefined;
  }

  #completeHead(headBytes: number): RtspFrame | undefined {
    const s = this.#start;
    const text = decoder.decode(this.#buf.subarray(s, s + headBytes));
    this.#message = undefined;
    if (headBytes > this.#limits.maxHeaderBytes) {
      // Complete but too big: the Content-Length inside still tells how much body to skip.
      const skip = lengthInLines(text);
      this.#drop(headBytes);
      if (skip !== undefined) this.#startSkip(skip);
      const max = this.#limits.maxHeaderBytes;
      return invalid(400, `header block larger than ${max} bytes`, text.slice(0, max));
    }
    const result = parseHead(text, this.#limits);
    if (!result.ok) {
      this.#drop(headBytes);
      if (result.bodyBytes !== undefined) this.#startSkip(result.bodyBytes);
      return { kind: "invalid", error: result.error, raw: text };
    }
    const h = result.head;
    const body = new Uint8Array(0);
    const frame: RtspFrame = h.kind === "request"
      ? {
        kind: "request",
        request: { method: h.method, url: h.url, version: h.version, headers: h.headers, body },
      }
      : {
        kind: "response",
        response: {
          statusCode: h.statusCode,
          reason: h.reason,
          version: h.version,
          headers: h.headers,
          body,
        },
      };
    this.#pending = { frame, headBytes, bodyBytes: result.bodyBytes };
    return undefined;
  }

  #takeBody(): RtspFrame | undefined {
    const p = this.#pending!;
    const s = this.#start;
    const total = p.headBytes + p.bodyBytes;
    if (this.#end - s < total) return undefined;
    if (p.bodyBytes > 0) {
      const body = this.#buf.slice(s + p.headBytes, s + total);
      if (p.frame.kind === "request") p.frame.request.body = body;
      else if (p.frame.kind === "response") p.frame.response.body = body;
    }
    this.#start = s + total;
    this.#pending = undefined;
    return p.frame;
  }

  /**
   * Rejects the message whose head is being scanned: drops bytes up to `upTo` and keeps dropping
   * header lines until the blank line, then the body if a Content-Length was seen. Lines before
   * `linesEnd` are complete and are searched for that Content-Length.
   */
  #abortHead(upTo: number, linesEnd: number, inLongLine: boolean, why: string): RtspFrame {
    const s = this.#start;
    const text = decoder.decode(this.#buf.subarray(s, Math.min(upTo, s + this.#limits.maxLineBytes)));
    this.#discardLength = lengthInLines(decoder.decode(this.#buf.subarray(s, linesEnd)));
    this.#drop(upTo - s);
    this.#message = undefined;
    this.#inLongLine = inLongLine;
    this.#mode = "discardHeaders";
    return invalid(400, why, text);
  }

  /** Drops whole header lines; true once the blank line was dropped. */
  #discardHeaderLines(): boolean {
    const buf = this.#buf;
    const end = this.#end;
    let lineStart = this.#start;
    for (let i = lineStart; i < end; i++) {
      if (buf[i] !== LF) continue;
      if (!this.#inLongLine) {
        const lineEnd = i > lineStart && buf[i - 1] === CR ? i - 1 : i;
        if (lineEnd === lineStart) {
          this.#drop(i + 1 - this.#start);
          this.#mode = "frame";
          if (this.#discardLength !== undefined) this.#startSkip(this.#discardLength);
          return true;
        }
        if (lineEnd - lineStart <= this.#limits.maxLineBytes && (buf[lineStart] | 0x20) === 0x63) {
          const n = contentLengthOfLine(decoder.decode(buf.subarray(lineStart, lineEnd)));
          if (n !== undefined) this.#discardLength = n;
        }
      }
      this.#inLongLine = false;
      lineStart = i + 1;
    }
    this.#drop(lineStart - this.#start);
    if (end - lineStart > this.#limits.maxLineBytes + 1) {
      this.#drop(end - lineStart);
      this.#inLongLine = true;
    }
    return false;
  }

  #startSkip(bytes: number): void {
    this.#skipRemaining = bytes;
    this.#mode = bytes > 0 ? "skipBody" : "frame";
  }

  #drop(n: number): void {
    this.#start += n;
    this.#discarded += n;
  }

  /** Compacts or grows the buffer so `n` more bytes fit; doubling keeps pushes amortised O(n). */
  #makeRoom(n: number): void {
    const used = this.#end - this.#start;
    const need = used + n;
    if (need * 2 <= this.#buf.length) {
      this.#buf.copyWithin(0, this.#start, this.#end);
    } else {
      const grown = new Uint8Array(Math.max(this.#buf.length * 2, need));
      grown.set(this.#buf.subarray(this.#start, this.#end), 0);
      this.#buf = grown;
    }
    this.#start = 0;
    this.#end = used;
  }
}

function invalid(status: number, message: string, raw: string): RtspFrame {
  return { kind: "invalid", error: new RtspError(status, message), raw };
}

function lengthInLines(text: string): number | undefined {
  let found: number | undefined;
  for (const line of text.split("\n")) {
    const n = contentLengthOfLine(line.endsWith("\r") ? line.slice(0, -1) : line);
    if (n !== undefined) found = n;
  }
  return found;
}
