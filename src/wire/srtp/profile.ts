/**
 * SRTP protection profiles: the crypto suite parameters an `SrtpContext` is built from.
 *
 * MediaMTX and gortsplib speak only AES_CM_128_HMAC_SHA1_80 (gortsplib's RTSPS/MIKEY behaviour; RFC 4567 §4, RFC 3830). The _32 variant
 * (RFC 4568 §6.2, RFC 5764 §4.1.2) differs only in the SRTP tag length: SRTCP keeps the 80-bit
 * tag. Both use AES-128 in counter mode with the AES-CM PRF, a 14-byte salt and a 160-bit
 * HMAC-SHA1 key (RFC 3711 §8.2).
 *
 * @module
 */

/** Names of the supported protection profiles (RFC 4568 §6.2 spelling). */
export type SrtpProfileName = "AES_CM_128_HMAC_SHA1_80" | "AES_CM_128_HMAC_SHA1_32";

/** Lengths, in bytes, that a protection profile fixes. */
export interface SrtpProfile {
  /** RFC 4568 name of the suite. */
  readonly name: SrtpProfileName;
  /** AES master and session encryption key length. */
  readonly keyLength: number;
  /** Master and session salt length. */
  readonly saltLength: number;
  /** HMAC-SHA1 session authentication key length. */
  readonly authKeyLength: number;
  /** Authentication tag appended to SRTP packets. */
  readonly rtpTagLength: number;
  /** Authentication tag appended to SRTCP packets (after the 4-byte E||index word). */
  readonly rtcpTagLength: number;
}

/** The profiles by name. */
export const SRTP_PROFILES: Readonly<Record<SrtpProfileName, SrtpProfile>> = {
  AES_CM_128_HMAC_SHA1_80: {
    name: "AES_CM_128_HMAC_SHA1_80",
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 10,
    rtcpTagLength: 10,
  },
  AES_CM_128_HMAC_SHA1_32: {
    name: "AES_CM_128_HMAC_SHA1_32",
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 4,
    rtcpTagLength: 10,
  },
};

/** The only suite MediaMTX negotiates. */
export const DEFAULT_SRTP_PROFILE: SrtpProfile = SRTP_PROFILES.AES_CM_128_HMAC_SHA1_80;

/** Length of the master key || master salt a profile is keyed with (30 for both suites). */
export function masterKeyLength(profile: SrtpProfile): number {
  return profile.keyLength + profile.saltLength;
}
