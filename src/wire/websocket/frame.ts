/**
 * WebSocket base framing (RFC 6455 §5.2): parsing in any chunking, and encoding with or without
 * a masking key. Pure: no I/O, no timers, no randomness (the caller brings the mask).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-------+-+-------------+-------------------------------+
 * |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 * |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 * |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 * | |1|2|3|       |K|             |                               |
 * +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 * |     Extended payload length continued, if payload len == 127  |
 * + - - - - - - - - - - - - - - - +-------------------------------+
 * |                               |Masking-key, if MASK set to 1  |
 * +-------------------------------+-------------------------------+
 * | Masking-key (continued)       |          Payload Data         |
 * +-------------------------------- - - - - - - - - - - - - - - - +
 * :                     Payload Data continued ...                :
 * + - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - +
 * |                     Payload Data continued ...                |
 * +---------------------------------------------------------------+
 * ```
 *
 * Errors: a malformed frame throws `SyntaxError` (close code 1002), a frame larger than allowed
 * throws `RangeError` (close code 1009). Nothing else is ever thrown on input.
 *
 * @module
 */

/** Frame opcodes (RFC 6455 §5.2, §11.8). */
export const Opcode = Object.freeze({
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
});

/** One decoded frame; `payload` is already unmasked. */
export interface WebSocketFrame {
  fin: boolean;
  opcode: number;
  /** Whether the sender masked the payload (clients must, servers must not: §5.1). */
  masked: boolean;
  payload: Uint8Array;
}

/** What a frame to encode consists of; a 4-byte `mask` makes it a client frame (§5.3). */
export interface FrameToEncode {
  fin: boolean;
  opcode: number;
  payload: Uint8Array;
  mask?: Uint8Array;
}

/** Rules the parser enforces besides the RFC's fixed ones. */
export interface FrameParserOptions {
  /** Largest payload of one frame; a bigger announced length throws RangeError. */
  maxPayloadBytes: number;
  /**
   * `true`: every frame must be masked (a server reading a client, §5.1); `false`: none may be
   * (a client reading a server); `undefined`: either is accepted.
   */
  requireMask?: boolean;
}

/** Default frame limit: an interleaved RTP packet is at most 64 KiB, an RTSP body 128 KiB. */
const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** Control frames carry at most this many payload bytes (§5.5). */
const MAX_CONTROL_PAYLOAD = 125;

/** Whether `opcode` is a control opcode (close, ping, pong, or reserved 0xB-0xF). */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

function isKnownOpcode(opcode: number): boolean {
  return opcode <= Opcode.binary || (opcode >= Opcode.close && opcode <= Opcode.pong);
}

/** XORs `data` in place with the 4-byte `mask`, starting at key offset `offset` (§5.3). */
function applyMask(data: Uint8Array, mask: Uint8Array, offset = 0): void {
  for (let i = 0; i < data.length; i++) data[i] ^= mask[(i + offset) & 3];
}

/** Bytes needed by the frame header for a payload of `length` bytes, masked or not. */
function frameHeaderSize(length: number, masked: boolean): number {
  const ext = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
  return 2 + ext + (masked ? 4 : 0);
}

/** Encodes one frame; throws RangeError for an invalid opcode, mask or control payload. */
export function encodeFrame(frame: FrameToEncode): Uint8Array {
  const { fin, opcode, payload, mask } = frame;
  if (!Number.isInteger(opcode) || !isKnownOpcode(opcode)) {
    throw new RangeError(`Cannot encode WebSocket frame: invalid opcode ${opcode}`);
  }
  if (mask !== undefined && mask.length !== 4) {
    throw new RangeError(`Cannot encode WebSocket frame: mask must be 4 bytes, got ${mask.length}`);
  }
  if (isControlOpcode(opcode) && (!fin || payload.length > MAX_CONTROL_PAYLOAD)) {
    throw new RangeError("Cannot encode WebSocket frame: control frames are final and ≤ 125 bytes");
  }
  const length = payload.length;
  const headerSize = frameHeaderSize(length, mask !== undefined);
  const out = new Uint8Array(headerSize + length);
  out[0] = (fin ? 0x80 : 0) | opcode;
  const maskBit = mask === undefined ? 0 : 0x80;
  let off = 2;
  if (length < 126) {
    out[1] = maskBit | length;
  } else if (length <= 0xffff) {
    out[1] = maskBit | 126;
    out[2] = length >>> 8;
    out[3] = length & 0xff;
    off = 4;
  } else {
    out[1] = maskBit | 127;
    const view = new DataView(out.buffer);
    view.setUint32(2, Math.floor(length / 0x1_0000_0000));
    view.setUint32(6, length >>> 0);
    off = 10;
  }
  if (mask !== undefined) {
    out.set(mask, off);
    off += 4;
  }
  out.set(payload, off);
  if (mask !== undefined) applyMask(out.subarray(off), mask);
  return out;
}

/** A parsed header: where the payload starts and how long it is. */
interface FrameHeader {
  fin: boolean;
  opcode: number;
  mask: Uint8Array | undefined;
  headerSize: number;
  length: number;
}

/**
 * Reads a frame header from `buf`, or returns undefined when more bytes are needed.
 * Validates everything that the header alone decides.
 */
function parseHeader(buf: Uint8Array, opts: FrameParserOptions): FrameHeader | undefined {
  if (buf.length < 2) return undefined;
  const b0 = buf[0];
  const b1 = buf[1];
  // §5.2: RSV1-3 must be 0 unless an extension was negotiated, and we negotiate none.
  if ((b0 & 0x70) !== 0) throw new SyntaxError("Cannot parse WebSocket frame: reserved bits set");
  const fin = (b0 & 0x80) !== 0;
  const opcode = b0 & 0x0f;
  if (!isKnownOpcode(opcode)) {
    throw new SyntaxError(`Cannot parse WebSocket frame: reserved opcode 0x${opcode.toString(16)}`);
  }
  const masked = (b1 & 0x80) !== 0;
  if (opts.requireMask === true && !masked) {
    throw new SyntaxError("Cannot parse WebSocket frame: client frame is not masked");
  }
  if (opts.requireMask === false && masked) {
    throw new SyntaxError("Cannot parse WebSocket frame: server frame is masked");
  }
  let length = b1 & 0x7f;
  let headerSize = 2;
  if (isControlOpcode(opcode)) {
    // §5.5: control frames are never fragmented and have a 7-bit length ≤ 125.
    if (!fin) throw new SyntaxError("Cannot parse WebSocket frame: fragmented control frame");
    if (length > MAX_CONTROL_PAYLOAD) {
      throw new SyntaxError("Cannot parse WebSocket frame: control frame longer than 125 bytes");
    }
  }
  if (length === 126) {
    if (buf.length < 4) return undefined;
    length = (buf[2] << 8) | buf[3];
    headerSize = 4;
  } else if (length === 127) {
    if (buf.length < 10) return undefined;
    // §5.2: the most significant bit of the 64-bit length must be 0.
    if ((buf[2] & 0x80) !== 0) throw new SyntaxError("Cannot parse WebSocket frame: length MSB set");
    const view = new DataView(buf.buffer, buf.byteOffset, 10);
    const high = view.getUint32(2);
    const low = view.getUint32(6);
    // Anything ≥ 2^32 is far beyond any limit; avoid unsafe integers altogether.
    length = high === 0 ? low : Number.POSITIVE_INFINITY;
    headerSize = 10;
  }
  // Non-minimal length encodings (§5.2 "minimal number of bytes") are tolerated: they are
  // harmless and rejecting them gains nothing.
  if (length > opts.maxPayloadBytes) {
    throw new RangeError(
      `Cannot parse WebSocket frame: payload of ${length} bytes exceeds ${opts.maxPayloadBytes}`,
    );
  }
  let mask: Uint8Array | undefined;
  if (masked) {
    if (buf.length < headerSize + 4) return undefined;
    mask = buf.slice(headerSize, headerSize + 4);
    headerSize += 4;
  }
  return { fin, opcode, mask, headerSize, length };
}

/**
 * Parses one frame at the start of `buf`. Returns the frame and the bytes it used, or undefined
 * when `buf` holds only part of a frame. The payload is a copy, unmasked.
 */
export function parseFrame(
  buf: Uint8Array,
  opts: FrameParserOptions = { maxPayloadBytes: DEFAULT_MAX_FRAME_BYTES },
): { frame: WebSocketFrame; size: number } | undefined {
  const header = parseHeader(buf, opts);
  if (header === undefined) return undefined;
  const size = header.headerSize + header.length;
  if (buf.length < size) return undefined;
  const payload = buf.slice(header.headerSize, size);
  if (header.mask !== undefined) applyMask(payload, header.mask);
  return {
    frame: { fin: header.fin, opcode: header.opcode, masked: header.mask !== undefined, payload },
    size,
  };
}

const INITIAL_CAPACITY = 16 * 1024;

/**
 * Incremental parser: `push()` what the socket gave, then call `next()` until it returns
 * undefined. After it has thrown, the stream is corrupt and the parser must be dropped.
 */
export class WebSocketFrameParser {
  readonly #opts: FrameParserOptions;
  #buf = new Uint8Array(INITIAL_CAPACITY);
  #start = 0;
  #end = 0;

  constructor(opts: Partial<FrameParserOptions> = {}) {
    this.#opts = { maxPayloadBytes: opts.maxPayloadBytes ?? DEFAULT_MAX_FRAME_BYTES };
    if (opts.requireMask !== undefined) this.#opts.requireMask = opts.requireMask;
  }

  /** Bytes pushed but not yet returned as frames. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Appends received bytes (copied). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.#end + chunk.length > this.#buf.length) {
      const live = this.#end - this.#start;
      const need = live + chunk.length;
      if (need > this.#buf.length) {
        let cap = Math.max(this.#buf.length, INITIAL_CAPACITY);
        while (cap < need) cap *= 2;
        const grown = new Uint8Array(cap);
        grown.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = grown;
      } else {
        this.#buf.copyWithin(0, this.#start, this.#end);
      }
      this.#start = 0;
      this.#end = live;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** Drops every buffered byte and the buffer itself (the stream is over). */
  clear(): void {
    this.#buf = new Uint8Array(0);
    this.#start = 0;
    this.#end = 0;
  }

  /** The next complete frame, or undefined when more bytes are needed. */
  next(): WebSocketFrame | undefined {
    const parsed = parseFrame(this.#buf.subarray(this.#start, this.#end), this.#opts);
    if (parsed === undefined) return undefined;
    this.#start += parsed.size;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
      // Give a burst's big buffer back once it is empty.
      if (this.#buf.length > 4 * INITIAL_CAPACITY) this.#buf = new Uint8Array(INITIAL_CAPACITY);
    }
    return parsed.frame;
  }
}
