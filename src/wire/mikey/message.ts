/**
 * A MIKEY message as RTSP uses it (RFC 4567 over RFC 3830): one pre-shared-key init message with
 * MIKEY-level encryption and MAC both NULL, carried inside TLS, whose only job is to hand over
 * the sender's 30-byte SRTP master key and salt with the SSRC and ROC of each stream it covers.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { ntpFromUnixMs, unixMsFromNtp } from "../ntp.ts";
import { DEFAULT_SRTP_POLICY, type SrtpPolicy } from "./srtp_policy.ts";

/** One crypto session of the SRTP-ID map: a stream and its rollover counter. */
export interface MikeySrtpStream {
  /** SSRC of the stream the key protects. */
  ssrc: number;
  /** Its current rollover counter, so a late joiner can compute packet indices. */
  roc: number;
}

/** The fields of a MIKEY message that RTSP needs. */
export interface MikeyMessage {
  /** Crypto session bundle id (random per message). */
  csbId: number;
  /** One entry per SSRC (the SRTP-ID map of the common header). */
  srtpStreams: MikeySrtpStream[];
  /** T payload, NTP-UTC 64-bit timestamp. */
  timestamp: bigint;
  /** RAND payload (16 bytes when generated, at least 16 accepted). */
  rand: Uint8Array;
  /** SP payload: the SRTP policy. */
  policy: SrtpPolicy;
  /** TEK: 16-byte master key || 14-byte master salt. */
  key: Uint8Array;
  /** Master key identifier (key validity SPI), when one is used (Axis-style client-managed keys). */
  mki?: Uint8Array;
}

/** What `buildMikey` takes: a message whose policy defaults to AES_CM_128_HMAC_SHA1_80. */
export type MikeyInit = Omit<MikeyMessage, "policy"> & { policy?: SrtpPolicy };

/** How far a MIKEY timestamp may be from local time (RFC 4568 §6.2; gortsplib's only suite): one hour. */
export const MIKEY_MAX_CLOCK_SKEW_MS = 3_600_000;

/**
 * Checks that the message was made within ±1 h of `nowMs` (Unix ms), RFC 3830 §5.4 replay
 * protection reduced to a clock check; throws `RangeError` saying how far off it is.
 */
export function checkMikeyTime(m: Pick<MikeyMessage, "timestamp">, nowMs: number): void {
  const skew = unixMsFromNtp(m.timestamp) - nowMs;
  if (!(Math.abs(skew) <= MIKEY_MAX_CLOCK_SKEW_MS)) {
    const minutes = Math.round(skew / 60_000);
    throw new RangeError(
      `MIKEY timestamp is ${Math.abs(minutes)} min ${
        minutes < 0 ? "behind" : "ahead of"
      } local time (max 60 min)`,
    );
  }
}

/**
 * A new message for `key` covering `srtpStreams`, stamped `nowMs` (Unix ms), with a random CSB ID
 * and RAND, ready for `buildMikey`.
 */
export function createMikeyMessage(
  key: Uint8Array,
  srtpStreams: MikeySrtpStream[],
  nowMs: number,
  mki?: Uint8Array,
): MikeyMessage {
  const csb = randomBytes(4);
  const message: MikeyMessage = {
    csbId: ((csb[0] << 24) | (csb[1] << 16) | (csb[2] << 8) | csb[3]) >>> 0,
    srtpStreams: srtpStreams.map(({ ssrc, roc }) => ({ ssrc, roc })),
    timestamp: ntpFromUnixMs(nowMs),
    rand: new Uint8Array(randomBytes(16)),
    policy: { ...DEFAULT_SRTP_POLICY, otherParameters: [] },
    key: new Uint8Array(key),
  };
  if (mki !== undefined) message.mki = new Uint8Array(mki);
  return message;
}
