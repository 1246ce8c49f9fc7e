/**
 * SRTP key derivation (RFC 3711 §4.3) with the AES-CM PRF and a key derivation rate of 0, the
 * only rate MIKEY-based RTSP uses: every session key is derived once, from index 0.
 *
 * ```
 *   key_id = label || r            r = index DIV key_derivation_rate = 0 (48 bits)
 *   x      = key_id XOR master_salt   (right-aligned: the label lands on salt byte 7)
 *   k      = AES-CM(master_key, IV = x * 2^16), first n bits of keystream
 * ```
 *
 * Labels (§4.3.1, §4.3.2): 0x00 SRTP encryption key, 0x01 SRTP authentication key, 0x02 SRTP
 * salt; 0x03, 0x04, 0x05 the same three for SRTCP.
 *
 * @module
 */
import { AesCm } from "./_aes_cm.ts";
import { DEFAULT_SRTP_PROFILE, type SrtpProfile } from "./profile.ts";

/** The RFC 3711 §4.3 key derivation labels. */
export const SRTP_LABELS = {
  rtpEncryption: 0x00,
  rtpAuthentication: 0x01,
  rtpSalt: 0x02,
  rtcpEncryption: 0x03,
  rtcpAuthentication: 0x04,
  rtcpSalt: 0x05,
} as const;

/** The three session keys of one protocol (SRTP or SRTCP). */
export interface SessionKeys {
  /** Session encryption key k_e. */
  encryptionKey: Uint8Array;
  /** Session authentication key k_a. */
  authKey: Uint8Array;
  /** Session salt k_s. */
  salt: Uint8Array;
}

/** The AES-CM PRF: `length` bytes derived from the master key and salt under `label` (r = 0). */
export function deriveKey(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, length: number) {
  if (masterSalt.length !== 14) {
    throw new RangeError(`SRTP master salt must be 14 bytes, got ${masterSalt.length}`);
  }
  if (!Number.isInteger(label) || label < 0 || label > 0xff) {
    throw new RangeError(`Invalid SRTP label ${label}`);
  }
  const x = new Uint8Array(masterSalt); // a copy: Buffer.prototype.slice() would alias the caller's salt
  // key_id is 7 bytes (label, then 48 bits of r = 0) right-aligned on the 14-byte salt.
  x[7] ^= label;
  return new AesCm(masterKey, x).keystream(length);
}

/** Derives the SRTP (`rtcp` false) or SRTCP session keys from a master key and salt. */
export function deriveSessionKeys(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  rtcp: boolean,
  profile: SrtpProfile = DEFAULT_SRTP_PROFILE,
): SessionKeys {
  if (masterKey.length !== profile.keyLength) {
    throw new RangeError(`SRTP master key must be ${profile.keyLength} bytes, got ${masterKey.length}`);
  }
  const base = rtcp ? SRTP_LABELS.rtcpEncryption : SRTP_LABELS.rtpEncryption;
  return {
    encryptionKey: deriveKey(masterKey, masterSalt, base, profile.keyLength),
    authKey: deriveKey(masterKey, masterSalt, base + 1, profile.authKeyLength),
    salt: deriveKey(masterKey, masterSalt, base + 2, profile.saltLength),
  };
}
