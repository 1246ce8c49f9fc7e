import type { Logger } from "../log/mod.ts";
import type { Clock } from "../time/mod.ts";

const DROP_LOG_INTERVAL_MS = 1000;

/**
 * Traffic counters of one RTSP session, as MediaMTX's API and metrics show them. Plain integer
 * fields bumped on the packet paths (no allocation); the per-media loss and jitter live in each
 * media's RtpReceiverStats, the discarded packets in the session's drop count.
 */
export class SessionCounters {
  /** Bytes of RTP and RTCP received from the client. */
  inBytes = 0;
  /** Valid RTP packets received (publisher). */
  inRtpPackets = 0;
  /** Received RTP packets that could not be decrypted (the invalid ones are InboundRtpErrors). */
  inRtpUndecryptable = 0;
  /** RTCP packets received (each packet of a compound counts). */
  inRtcpPackets = 0;
  /** RTCP datagrams or frames that could not be decrypted or parsed. */
  inRtcpErrors = 0;
  /** Bytes of RTP and RTCP sent to the client. */
  outBytes = 0;
  /** RTCP packets (compounds) sent: sender reports to readers, receiver reports to publishers. */
  outRtcpPackets = 0;
  /** Latest cumulative loss the client reported, by SSRC of our stream (RFC 3550 §6.4.1). */
  readonly reportedLost = new Map<number, number>();

  /** Sum of the losses the client last reported for each of our SSRCs. */
  get outRtpReportedLost(): number {
    let n = 0;
    for (const v of this.reportedLost.values()) n += Math.max(0, v);
    return n;
  }
}

/** Packets dropped because a reader was too slow; logged at most once a second. */
export class ReaderDrops {
  readonly #log: Logger;
  readonly #clock: Clock;
  #total = 0;
  #logged = 0;
  #lastLogMs = -Infinity;

  constructor(log: Logger, clock: Clock) {
    this.#log = log;
    this.#clock = clock;
  }

  /** Packets dropped so far. */
  get total(): number {
    return this.#total;
  }

  /** Counts `n` dropped packets (one by default). */
  add(n = 1): void {
    this.#total += n;
    const now = this.#clock.now();
    if (now - this.#lastLogMs >= DROP_LOG_INTERVAL_MS) {
      this.#log.warn(`reader is too slow, discarding ${this.#total - this.#logged} packets`);
      this.#logged = this.#total;
      this.#lastLogMs = now;
    }
  }
}
