import type { Clock } from "../time/mod.ts";
import type { Logger } from "../log/mod.ts";
import { parseRtcpCompound } from "../wire/rtcp/mod.ts";
import { rtpSequenceNumber, rtpSsrc, rtpTimestamp } from "../wire/rtp/mod.ts";
import { ntpMiddle32 } from "../wire/mod.ts";
import { inboundRtpError, InboundRtpErrors } from "./inbound_rtp.ts";
import type { SessionCounters } from "./session_counters.ts";
import type { SessionMedia } from "./session_media.ts";
import type { StreamPublisher } from "./stream_port.ts";

const BAD_PACKET_LOG_INTERVAL_MS = 1000;

/**
 * What a session receives: a publisher's RTP (decrypted when SAVP, validated, counted for
 * receiver reports, into the stream) and every client's RTCP.
 */
export class SessionInbound {
  /** Publisher packets dropped as invalid (not RTP, unknown payload type). */
  readonly rtpErrors: InboundRtpErrors;
  readonly #counters: SessionCounters;
  readonly #log: Logger;
  readonly #clock: Clock;
  #badPackets = 0;
  #lastBadLogMs = -Infinity;

  constructor(counters: SessionCounters, log: Logger, clock: Clock) {
    this.#counters = counters;
    this.#log = log;
    this.#clock = clock;
    this.rtpErrors = new InboundRtpErrors(log);
  }

  /** A publisher's RTP packet of media `m`, for `input`. */
  rtp(input: StreamPublisher, m: SessionMedia, data: Uint8Array): void {
    const counters = this.#counters;
    counters.inBytes += data.length;
    if (m.srtpIn !== undefined) {
      try {
        data = m.srtpIn.decryptRtp(data);
      } catch (e) {
        counters.inRtpUndecryptable++;
        this.#countBadPacket(e);
        return;
      }
    }
    if (m.payloadTypes !== undefined) {
      const error = inboundRtpError(data, m.payloadTypes);
      if (error !== undefined) {
        this.rtpErrors.add(error);
        return;
      }
    } else if (data.length < 12) {
      counters.inRtpUndecryptable++;
      return;
    }
    counters.inRtpPackets++;
    if (m.receiver !== undefined) {
      m.remoteSsrc = rtpSsrc(data);
      const arrival = Math.round((performance.now() * (m.clockRate ?? 90000)) / 1000) >>> 0;
      m.receiver.update(rtpSequenceNumber(data), rtpTimestamp(data), arrival);
    }
    input.writeRtp(m.index, data);
  }

  /** Undecryptable or replayed packets are dropped; logged at most once a second. */
  #countBadPacket(e: unknown): void {
    this.#badPackets++;
    const now = this.#clock.now();
    if (now - this.#lastBadLogMs >= BAD_PACKET_LOG_INTERVAL_MS) {
      this.#log.warn(`discarding ${this.#badPackets} undecryptable packets: ${(e as Error).message}`);
      this.#badPackets = 0;
      this.#lastBadLogMs = now;
    }
  }

  /** A client's RTCP for media `m`; returns how many receiver report blocks it carried. */
  rtcp(m: SessionMedia, data: Uint8Array): number {
    const counters = this.#counters;
    counters.inBytes += data.length;
    let packets;
    try {
      if (m.srtpIn !== undefined) data = m.srtpIn.decryptRtcp(data);
      packets = parseRtcpCompound(data);
    } catch {
      counters.inRtcpErrors++;
      return 0; // malformed RTCP only loses its own information
    }
    counters.inRtcpPackets += packets.length;
    let receiverReports = 0;
    for (const p of packets) {
      if (p.type === "sr") m.lastSr = { ntpMiddle32: ntpMiddle32(p.sr.ntpTime), receivedAtMs: Date.now() };
      else if (p.type === "rr") {
        receiverReports += p.rr.reports.length;
        for (const block of p.rr.reports) counters.reportedLost.set(block.ssrc, block.cumulativeLost);
      }
    }
    return receiverReports;
  }
}
