/**
 * The periodic work of a playing or recording client session (gortsplib's client): keepalives every
 * Session timeout − 5 s, RTCP receiver reports every 5 s over UDP, the UDP/TCP liveness timeouts
 * and the automatic transport's "first UDP packet within 3 s" check. One 1 s ticker per session.
 *
 * @module
 */
import type { SessionHeader } from "../wire/rtsp/headers/mod.ts";
import { type Clock, systemClock, type TimerId } from "../time/mod.ts";

/** What the timers ask of their session. */
export interface SessionTimerHooks {
  /** Sends one keepalive request without waiting for its answer. */
  keepalive(): void;
  /** Sends a receiver report on every UDP media. */
  sendReceiverReports(): void;
  /** Datagrams received so far on every UDP media. */
  udpPackets(): number;
  /** Clock time of the last byte on the RTSP connection. */
  lastReceiveMs(): number;
  /** Liveness lost: the session must close with this error. */
  onTimeout(error: Error): void;
  /** No UDP packet within the first-packet window (automatic transport only). */
  onNoUdpPacket(): void;
}

/** How a session runs. */
export interface SessionTimerMode {
  keepaliveMs: number;
  transport: "tcp" | "udp";
  /** Playing (media expected: reports and liveness) rather than recording. */
  playing: boolean;
  /** Arm the first-UDP-packet check. */
  watchFirstUdpPacket: boolean;
}

const TICK_MS = 1000;
/** Timers fire a little late or early; half a tick keeps a 1 s period from becoming 2 s. */
const SLACK_MS = TICK_MS / 2;
/** RRs every 5 s: "some cameras require a maximum of 5 s between keepalives" (gortsplib's behaviour; RFC 3550 §6.2). */
const RECEIVER_REPORT_MS = 5000;
const DEFAULT_KEEPALIVE_MS = 30_000;
/** gortsplib's InitialUDPReadTimeout (gortsplib's client). */
export const FIRST_UDP_PACKET_MS = 3000;

/** Keepalive period: Session timeout − 5 s, at least 1 s; 30 s when the server gave none (gortsplib's client). */
export function keepaliveMs(session: SessionHeader | undefined): number {
  const t = session?.timeout;
  return t === undefined ? DEFAULT_KEEPALIVE_MS : Math.max(1, t - 5) * 1000;
}

/** The timers of one session; `stop()` clears everything. */
export class SessionTimers {
  readonly #hooks: SessionTimerHooks;
  readonly #timeoutMs: number;
  readonly #clock: Clock;
  #mode: SessionTimerMode | undefined;
  #ticker: TimerId | undefined;
  #watchdog: TimerId | undefined;
  #lastKeepaliveMs = 0;
  #lastReportMs = 0;
  #udpCount = 0;
  #udpChangedMs = 0;

  /** `timeoutMs` is the liveness limit: no media (UDP) or no byte at all (TCP) while playing. */
  constructor(hooks: SessionTimerHooks, timeoutMs: number, clock: Clock = systemClock) {
    this.#hooks = hooks;
    this.#timeoutMs = timeoutMs;
    this.#clock = clock;
  }

  /** (Re)starts the timers for a session that just got its PLAY or RECORD answer. */
  start(mode: SessionTimerMode): void {
    this.stop();
    this.#mode = mode;
    const now = this.#clock.now();
    this.#lastKeepaliveMs = this.#lastReportMs = this.#udpChangedMs = now;
    this.#udpCount = this.#hooks.udpPackets();
    this.#ticker = this.#clock.setInterval(() => this.#tick(), TICK_MS);
    if (mode.watchFirstUdpPacket) {
      const initial = this.#udpCount;
      this.#watchdog = this.#clock.setTimeout(() => {
        this.#watchdog = undefined;
        if (this.#hooks.udpPackets() === initial) this.#hooks.onNoUdpPacket();
      }, FIRST_UDP_PACKET_MS);
    }
  }

  /** Clears every timer; idempotent. */
  stop(): void {
    this.#clock.clearInterval(this.#ticker);
    this.#clock.clearTimeout(this.#watchdog);
    this.#ticker = this.#watchdog = undefined;
    this.#mode = undefined;
  }

  #tick(): void {
    const mode = this.#mode;
    if (mode === undefined) return;
    const now = this.#clock.now();
    if (now - this.#lastKeepaliveMs >= mode.keepaliveMs - SLACK_MS) {
      this.#lastKeepaliveMs = now;
      this.#hooks.keepalive();
    }
    if (!mode.playing) return;
    if (mode.transport === "tcp") {
      // Keepalive answers count as data (gortsplib PR #1067), so a silent stream is noticed, not a quiet one.
      if (now - this.#hooks.lastReceiveMs() > this.#timeoutMs) {
        this.#hooks.onTimeout(new Error(`TCP timeout: nothing received for ${this.#timeoutMs} ms`));
      }
      return;
    }
    if (now - this.#lastReportMs >= RECEIVER_REPORT_MS - SLACK_MS) {
      this.#lastReportMs = now;
      this.#hooks.sendReceiverReports();
    }
    // Sampling a counter once a tick keeps the per-packet path free of clock reads.
    const count = this.#hooks.udpPackets();
    if (count !== this.#udpCount) {
      this.#udpCount = count;
      this.#udpChangedMs = now;
    } else if (now - this.#udpChangedMs > this.#timeoutMs) {
      this.#hooks.onTimeout(new Error(`UDP timeout: no packets received for ${this.#timeoutMs} ms`));
    }
  }
}
