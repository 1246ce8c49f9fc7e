import { SrtpContext } from "../wire/srtp/mod.ts";
import { createMikeyMessage } from "../wire/mikey/mod.ts";
import type { MikeyMessage } from "../wire/mikey/mod.ts";
import { OutboundPacket } from "./outbound_packet.ts";

/**
 * The server's SRTP sender for one stream media: one key for every reader of the stream
 * (what makes encrypt-once possible, as in MediaMTX), announced with MIKEY.
 *
 * Packets are encrypted lazily, only while SAVP readers exist, each at the index the stream
 * gave it (`OutboundPacket.index`): the stream numbers its packets, so the context never
 * guesses a rollover counter, whatever the gaps between SAVP readers.
 */
export class StreamSrtp {
  /** The 30-byte TEK (master key || salt). */
  readonly key: Uint8Array;
  readonly #ssrc: number;
  readonly #ctx: SrtpContext;

  constructor(ssrc: number) {
    this.key = crypto.getRandomValues(new Uint8Array(30));
    this.#ssrc = ssrc;
    this.#ctx = new SrtpContext(this.key);
  }

  /** A MIKEY message (key, SSRC, current ROC) for SDP `a=key-mgmt` and the `KeyMgmt` header. */
  mikey(roc: number): MikeyMessage {
    return createMikeyMessage(this.key, [{ ssrc: this.#ssrc, roc }], Date.now());
  }

  /** The SRTP form of `packet`: encrypted on first use, then shared by every SAVP reader. */
  secure(packet: OutboundPacket): OutboundPacket {
    return packet.secured(this.#encrypt);
  }

  #encrypt = (plain: OutboundPacket): OutboundPacket => {
    const out = new OutboundPacket(plain.byteLength + this.#ctx.rtpOverhead, plain.index);
    this.#ctx.encryptRtpAt(plain.data, plain.roc, out.data);
    return out;
  };

  /** SRTCP for the server's own reports about this media. */
  encryptRtcp(packet: Uint8Array): Uint8Array {
    return this.#ctx.encryptRtcp(packet);
  }
}
