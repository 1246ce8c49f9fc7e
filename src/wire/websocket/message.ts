/**
 * Reassembly of fragmented WebSocket messages (RFC 6455 §5.4) and the close frame body
 * (§5.5.1, §7.4). Pure: the connection feeds it parsed frames and acts on what comes out.
 *
 * @module
 */
import { isControlOpcode, Opcode, type WebSocketFrame } from "./frame.ts";

/** A complete data message, or a control frame passed through (§5.4: they may interleave). */
export type WebSocketMessage =
  | { kind: "binary"; data: Uint8Array }
  | { kind: "text"; data: Uint8Array }
  | { kind: "ping"; data: Uint8Array }
  | { kind: "pong"; data: Uint8Array }
  | { kind: "close"; code: number | undefined; reason: string };

/** Default largest reassembled message. */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Turns frames into messages. Throws `SyntaxError` on a fragmentation error (a continuation with
 * no message open, a data frame while one is open) and `RangeError` when a message grows past
 * `maxMessageBytes`.
 */
export class WebSocketMessageAssembler {
  readonly #maxMessageBytes: number;
  #opcode: number | undefined;
  #parts: Uint8Array[] = [];
  #size = 0;

  constructor(maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES) {
    this.#maxMessageBytes = maxMessageBytes;
  }

  /** Drops a partly assembled message (the stream is over). */
  clear(): void {
    this.#opcode = undefined;
    this.#parts = [];
    this.#size = 0;
  }

  /** Accepts one frame; returns a message when one is complete. */
  accept(frame: WebSocketFrame): WebSocketMessage | undefined {
    if (isControlOpcode(frame.opcode)) return controlMessage(frame);
    if (frame.opcode === Opcode.continuation) {
      if (this.#opcode === undefined) {
        throw new SyntaxError("Cannot assemble WebSocket message: continuation without a first frame");
      }
    } else if (this.#opcode !== undefined) {
      throw new SyntaxError("Cannot assemble WebSocket message: new message before the last one ended");
    } else {
      this.#opcode = frame.opcode;
    }
    this.#size += frame.payload.length;
    if (this.#size > this.#maxMessageBytes) {
      throw new RangeError(
        `Cannot assemble WebSocket message: more than ${this.#maxMessageBytes} bytes`,
      );
    }
    this.#parts.push(frame.payload);
    if (!frame.fin) return undefined;
    const data = this.#parts.length === 1 ? this.#parts[0] : concat(this.#parts, this.#size);
    const kind = this.#opcode === Opcode.text ? "text" : "binary";
    this.#opcode = undefined;
    this.#parts = [];
    this.#size = 0;
    return { kind, data };
  }
}

function controlMessage(frame: WebSocketFrame): WebSocketMessage {
  switch (frame.opcode) {
    case Opcode.ping:
      return { kind: "ping", data: frame.payload };
    case Opcode.pong:
      return { kind: "pong", data: frame.payload };
    case Opcode.close:
      return { kind: "close", ...parseClosePayload(frame.payload) };
    default:
      throw new SyntaxError(`Cannot assemble WebSocket message: unknown control opcode ${frame.opcode}`);
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Close status codes used here (RFC 6455 §7.4.1). */
export const CloseCode = Object.freeze({
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  invalidPayload: 1007,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
});

/** §7.4: codes an endpoint may put on the wire (1004-1006 and 1015 are reserved). */
function isSendableCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();

/** Parses a close frame body: empty, or a 2-byte code followed by a UTF-8 reason (§5.5.1). */
export function parseClosePayload(payload: Uint8Array): { code: number | undefined; reason: string } {
  if (payload.length === 0) return { code: undefined, reason: "" };
  if (payload.length === 1) throw new SyntaxError("Cannot parse WebSocket close: 1-byte body");
  const code = (payload[0] << 8) | payload[1];
  if (!isSendableCloseCode(code)) throw new SyntaxError(`Cannot parse WebSocket close: code ${code}`);
  let reason: string;
  try {
    reason = utf8.decode(payload.subarray(2));
  } catch (cause) {
    throw new SyntaxError("Cannot parse WebSocket close: reason is not UTF-8", { cause });
  }
  return { code, reason };
}

/** Formats a close frame body; the reason is cut so the body stays within 125 bytes. */
export function formatClosePayload(code: number, reason = ""): Uint8Array {
  if (!isSendableCloseCode(code)) throw new RangeError(`Cannot format WebSocket close: code ${code}`);
  let text = utf8Encoder.encode(reason);
  if (text.length > 123) {
    // Cut on a character boundary: drop UTF-8 continuation bytes at the cut.
    let end = 123;
    while (end > 0 && (text[end] & 0xc0) === 0x80) end--;
    text = text.subarray(0, end);
  }
  const out = new Uint8Array(2 + text.length);
  out[0] = code >>> 8;
  out[1] = code & 0xff;
  out.set(text, 2);
  return out;
}
