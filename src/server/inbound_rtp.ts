/**
 * Validation of the RTP packets a publisher sends, as gortsplib does before they reach a stream:
 * a packet that is not RTP version 2, whose header does not fit (CSRCs, extension, padding), or
 * whose payload type the ANNOUNCE did not list, is dropped and counted; the session stays up.
 */
import type { Logger } from "../log/mod.ts";

const LOG_INTERVAL_MS = 1000;

/** Why `buf` is not an acceptable RTP packet for a media announcing `payloadTypes`, or undefined. */
export function inboundRtpError(buf: Uint8Array, payloadTypes: ReadonlySet<number>): string | undefined {
  if (buf.length < 12) return `RTP packet too short (${buf.length} bytes)`;
  const version = buf[0] >> 6;
  if (version !== 2) return `invalid RTP version ${version}`;
  let offset = 12 + 4 * (buf[0] & 0x0f);
  if ((buf[0] & 0x10) !== 0) {
    if (offset + 4 > buf.length) return "truncated RTP header extension";
    offset += 4 + 4 * ((buf[offset + 2] << 8) | buf[offset + 3]);
  }
  if (offset > buf.length) return "truncated RTP header";
  if ((buf[0] & 0x20) !== 0) {
    const padding = buf[buf.length - 1];
    if (padding === 0 || padding > buf.length - offset) return `invalid RTP padding length ${padding}`;
  }
  const pt = buf[1] & 0x7f;
  if (!payloadTypes.has(pt)) return `received RTP packet with unknown payload type: ${pt}`;
  return undefined;
}

/** Counts dropped packets and logs them at most once a second (MediaMTX's limited logger does too). */
export class InboundRtpErrors {
  readonly #log: Logger;
  #total = 0;
  #pending = 0;
  #lastLogMs = -Infinity;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Packets dropped so far. */
  get total(): number {
    return this.#total;
  }

  /** Records one dropped packet and why. */
  add(reason: string): void {
    this.#total++;
    this.#pending++;
    const now = performance.now();
    if (now - this.#lastLogMs < LOG_INTERVAL_MS) return;
    this.#log.warn(
      `discarding ${this.#pending} RTP packet${this.#pending === 1 ? "" : "s"} in error: ${reason}`,
    );
    this.#pending = 0;
    this.#lastLogMs = now;
  }
}
