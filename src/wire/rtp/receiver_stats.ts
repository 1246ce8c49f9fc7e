import type { ReceiverReportBlock } from "../rtcp/packet.ts";

/** RFC 3550 §A.1: 2^16, the sequence number space. */
const RTP_SEQ_MOD = 0x1_0000;

/** Tuning of the RFC 3550 §A.1 sequence validation. */
export interface RtpReceiverStatsOptions {
  /**
   * Consecutive packets needed before a source counts as valid (RFC 3550 §A.1
   * MIN_SEQUENTIAL). Defaults to 1: an RTSP session already ties the stream to a
   * negotiated peer, and every packet, the first included, should be reported.
   * Pass 2 for the RFC's probation.
   */
  minSequential?: number;
  /** Largest forward jump treated as loss rather than a restart (default 3000). */
  maxDropout?: number;
  /** Largest backward jump treated as reordering (default 100). */
  maxMisorder?: number;
}

/** The last Sender Report received from the peer, for LSR/DLSR (RFC 3550 §6.4.1). */
export interface LastSenderReport {
  /** Middle 32 bits of the SR's NTP timestamp. */
  ntpMiddle32: number;
  /** When it arrived, on the same millisecond clock as `nowMs`. */
  receivedAtMs: number;
}

/**
 * Reception statistics for one incoming RTP source, as the receiver side of
 * RFC 3550 keeps them: sequence validation with wrap-around, probation and
 * restart detection (§A.1), loss accounting (§A.3) and interarrival jitter (§A.8).
 *
 * Duplicates and reordered packets are counted as received, as in the RFC, so the
 * cumulative loss can go negative.
 */
export class RtpReceiverStats {
  readonly #minSequential: number;
  readonly #maxDropout: number;
  readonly #maxMisorder: number;
  #started = false;
  #valid = false;
  #probation = 0;
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1;
  #received = 0;
  #receivedPrior = 0;
  #expectedPrior = 0;
  #outOfOrder = 0;
  #transit: number | undefined;
  #jitter = 0;

  constructor(options: RtpReceiverStatsOptions = {}) {
    this.#minSequential = Math.max(1, options.minSequential ?? 1);
    this.#maxDropout = options.maxDropout ?? 3000;
    this.#maxMisorder = options.maxMisorder ?? 100;
  }

  /**
   * Records one packet; `arrivalRtpUnits` is its arrival time converted to the
   * stream's RTP clock (any origin). Returns whether the packet was counted
   * (false while on probation or for an unexplained jump, RFC 3550 §A.1).
   */
  update(seq: number, rtpTimestamp: number, arrivalRtpUnits: number): boolean {
    seq &= 0xffff;
    if (!this.#started) {
      this.#started = true;
      this.#initSequence(seq);
      this.#maxSeq = (seq - 1) & 0xffff;
      this.#probation = this.#minSequential;
    }
    if (!this.#updateSequence(seq)) return false;
    this.#updateJitter(rtpTimestamp, arrivalRtpUnits);
    return true;
  }

  /** Whether a valid packet has been counted yet. */
  get valid(): boolean {
    return this.#valid;
  }

  /** Packets counted, duplicates and reordered ones included. */
  get packetsReceived(): number {
    return this.#received;
  }

  /** Packets that arrived behind the highest sequence number (duplicates or reordered). */
  get packetsOutOfOrder(): number {
    return this.#outOfOrder;
  }

  /** Extended highest sequence number: wrap cycles in the top 16 bits (RFC 3550 §6.4.1). */
  get extendedHighestSequence(): number {
    return (this.#cycles + this.#maxSeq) >>> 0;
  }

  /** Packets expected since the first valid one (RFC 3550 §A.3). */
  get packetsExpected(): number {
    return this.#valid ? this.#cycles + this.#maxSeq - this.#baseSeq + 1 : 0;
  }

  /** Cumulative packets lost, signed and clamped to 24 bits (RFC 3550 §6.4.1). */
  get cumulativeLost(): number {
    const lost = this.packetsExpected - this.#received;
    return Math.max(-0x80_0000, Math.min(0x7f_ffff, lost));
  }

  /** Fraction lost since the last report block, in 1/256 units, without resetting. */
  get fractionLost(): number {
    const expectedInterval = this.packetsExpected - this.#expectedPrior;
    const lostInterval = expectedInterval - (this.#received - this.#receivedPrior);
    if (expectedInterval <= 0 || lostInterval <= 0) return 0;
    return Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
  }

  /** Interarrival jitter estimate in RTP timestamp units (RFC 3550 §A.8), not truncated. */
  get jitterEstimate(): number {
    return this.#jitter;
  }

  /** Interarrival jitter estimate in RTP timestamp units (RFC 3550 §A.8), truncated. */
  get jitter(): number {
    return Math.floor(this.#jitter);
  }

  /**
   * Builds the RR/SR report block for this source and starts a new reporting
   * interval. `nowMs` (default `Date.now()`) and `lastSr.receivedAtMs` must use the
   * same clock; without `lastSr`, LSR and DLSR are 0 (RFC 3550 §6.4.1).
   */
  takeReportBlock(ssrc: number, lastSr?: LastSenderReport, nowMs?: number): ReceiverReportBlock {
    const block: ReceiverReportBlock = {
      ssrc: ssrc >>> 0,
      fractionLost: this.fractionLost,
      cumulativeLost: this.cumulativeLost,
      highestSequence: this.extendedHighestSequence,
      jitter: this.jitter >>> 0,
      lastSr: 0,
      delaySinceLastSr: 0,
    };
    if (lastSr !== undefined) {
      const elapsedMs = Math.max(0, (nowMs ?? Date.now()) - lastSr.receivedAtMs);
      block.lastSr = lastSr.ntpMiddle32 >>> 0;
      // DLSR is in units of 1/65536 s.
      block.delaySinceLastSr = Math.min(0xffff_ffff, Math.floor((elapsedMs * 65536) / 1000));
    }
    this.#expectedPrior = this.packetsExpected;
    this.#receivedPrior = this.#received;
    return block;
  }

  #initSequence(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1; // so seq == badSeq is false
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
    this.#transit = undefined;
  }

  /** RFC 3550 §A.1 update_seq(). */
  #updateSequence(seq: number): boolean {
    const delta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      // Packets must be in sequence to leave probation.
      if (seq === ((this.#maxSeq + 1) & 0xffff)) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#initSequence(seq);
          this.#valid = true;
          this.#received++;
          return true;
        }
      } else {
        this.#probation = this.#minSequential - 1;
        this.#maxSeq = seq;
      }
      return false;
    }
    if (delta < this.#maxDropout) {
      // In order, possibly with a gap; a smaller number means it wrapped.
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD;
      this.#maxSeq = seq;
    } else if (delta <= RTP_SEQ_MOD - this.#maxMisorder) {
      // A very large jump: if two packets in a row agree, the sender restarted.
      if (seq === this.#badSeq) {
        this.#initSequence(seq);
      } else {
        this.#badSeq = (seq + 1) & 0xffff;
        return false;
      }
    } else {
      this.#outOfOrder++; // duplicate or reordered
    }
    this.#received++;
    return true;
  }

  /** RFC 3550 §A.8: J += (|D| - J) / 16, with D the change in transit time. */
  #updateJitter(rtpTimestamp: number, arrivalRtpUnits: number): void {
    const transit = arrivalRtpUnits - (rtpTimestamp >>> 0);
    if (this.#transit !== undefined) {
      // RTP timestamps wrap at 2^32; fold the difference into a signed 32-bit range.
      let d = (transit - this.#transit) % 0x1_0000_0000;
      if (d >= 0x8000_0000) d -= 0x1_0000_0000;
      if (d < -0x8000_0000) d += 0x1_0000_0000;
      this.#jitter += (Math.abs(d) - this.#jitter) / 16;
    }
    this.#transit = transit;
  }
}
