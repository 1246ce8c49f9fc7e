/**
 * Maps a track's RTP timestamps to wall-clock time through its RTCP sender reports (RFC 3550
 * §6.4.1: an SR pairs an NTP time with the RTP time of the same instant). This is what makes the
 * player's latency honest and lets audio follow video across tracks with unrelated RTP clocks.
 *
 * @module
 */
import { unixMsFromNtp } from "../wire/ntp.ts";

/** One track's RTP-to-wall-clock mapping, updated by each sender report. */
export class SenderReportClock {
  readonly clockRate: number;
  #ntpMs: number | undefined;
  #rtpTime = 0;

  constructor(clockRate: number) {
    this.clockRate = clockRate;
  }

  /** Whether a sender report has arrived. */
  get synced(): boolean {
    return this.#ntpMs !== undefined;
  }

  /** Takes a sender report's NTP and RTP times; an all-zero NTP time (no wall clock) is ignored. */
  update(ntpTime: bigint, rtpTime: number): void {
    if (ntpTime === 0n) return;
    this.#ntpMs = unixMsFromNtp(ntpTime);
    this.#rtpTime = rtpTime >>> 0;
  }

  /** Unix milliseconds at which the sender produced `rtpTime`, or undefined before the first SR. */
  wallMs(rtpTime: number): number | undefined {
    if (this.#ntpMs === undefined) return undefined;
    const diff = ((rtpTime >>> 0) - this.#rtpTime) | 0; // signed 32-bit distance
    return this.#ntpMs + (diff * 1000) / this.clockRate;
  }
}

/** Extends 32-bit RTP timestamps into a monotonic-ish number line (wraps every ~13 h at 90 kHz). */
export class RtpTimeline {
  #last: number | undefined;
  #extended = 0;

  /** The extended value of `rtpTime`, continuing from the previous one. */
  extend(rtpTime: number): number {
    const t = rtpTime >>> 0;
    if (this.#last === undefined) this.#extended = t;
    else this.#extended += (t - this.#last) | 0;
    this.#last = t;
    return this.#extended;
  }
}
