import { SrtpContext } from "../wire/srtp/mod.ts";
import { createMikeyMessage } from "../wire/mikey/mod.ts";
import type { MikeyMessage } from "../wire/mikey/mod.ts";
import { OutboundPacket } from "../wire/outbound_packet.ts";

/** Packets a context may miss before its rollover state is rebuilt (RFC 3711 §3.3.1 guesses within 2^15). */
const MAX_GAP = 0x4000;

/**
 * The server's SRTP sender for one stream media: one key for every reader of the stream
 * (what makes encrypt-once possible, as in MediaMTX), announced with MIKEY.
 *
 * Packets are encrypted lazily, only while SAVP readers exist; the stream counts the
 * rollover counter itself, so after a pause longer than RFC 3711's ROC guess can bridge,
 * the context is rebuilt with the stream's ROC instead of guessing wrong.
 */
export class StreamSrtp {
  /** The 30-byte TEK (master key || salt). */
  readonly key: Uint8Array;
  readonly #ssrc: number;
  #ctx: SrtpContext;
  #lastIndex = -1;

  constructor(ssrc: number) {
    this.key = crypto.getRandomValues(new Uint8Array(30));
    this.#ssrc = ssrc;
    this.#ctx = new SrtpContext(this.key);
  }

  /** A MIKEY message (key, SSRC, current ROC) for SDP `a=key-mgmt` and the `KeyMgmt` header. */
  mikey(roc: number): MikeyMessage {
    return createMikeyMessage(this.key, [{ ssrc: this.#ssrc, roc }], Date.now());
  }

  /** The encrypted form of `packet` (sequence number `seq` in rollover cycle `roc`). */
  encrypt(packet: OutboundPacket, roc: number, seq: number): OutboundPacket {
    const index = roc * 0x10000 + seq;
    if (this.#lastIndex >= 0 && (index < this.#lastIndex - MAX_GAP || index > this.#lastIndex + MAX_GAP)) {
      this.#ctx = new SrtpContext(this.key);
    }
    if (this.#lastIndex < 0 || this.#ctx.rocOf(this.#ssrc) !== roc) this.#ctx.setRoc(this.#ssrc, roc);
    this.#lastIndex = index;
    return new OutboundPacket(this.#ctx.encryptRtp(packet.data));
  }

  /** SRTCP for the server's own reports about this media. */
  encryptRtcp(packet: Uint8Array): Uint8Array {
    return this.#ctx.encryptRtcp(packet);
  }
}
