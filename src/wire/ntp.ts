/**
 * 64-bit NTP timestamps as carried in RTCP Sender Reports (RFC 3550 §4, RFC 5905 §6).
 *
 * The value is an unsigned 32.32 fixed-point count of seconds since 1900-01-01 UTC,
 * kept as a `bigint` so no precision is lost. The 32-bit seconds field wraps on
 * 2036-02-07 (NTP era 1); following RFC 4330 §3, a seconds field with its top bit
 * clear is read as era 1, which maps 1968..2104 unambiguously.
 */

/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

const TWO_POW_32 = 4_294_967_296;

/** Converts Unix milliseconds (fractions allowed) to a 64-bit NTP timestamp. */
export function ntpFromUnixMs(ms: number): bigint {
  if (!Number.isFinite(ms)) throw new RangeError(`Cannot convert to NTP: invalid time ${ms}`);
  const totalMs = ms + NTP_UNIX_OFFSET_SECONDS * 1000;
  const seconds = Math.floor(totalMs / 1000);
  const fraction = Math.min(Math.round(((totalMs - seconds * 1000) / 1000) * TWO_POW_32), TWO_POW_32 - 1);
  // Masking to 64 bits folds era 1 (after 2036) back into the 32-bit seconds field.
  return BigInt.asUintN(64, (BigInt(seconds) << 32n) | BigInt(fraction));
}

/**
 * Converts a 64-bit NTP timestamp to Unix milliseconds (may have a fractional part).
 * Devices without a wall clock send an all-zero NTP time in their SRs, which this
 * reads as 2036-02-07 (era 1): callers should treat `0n` as "unknown" first.
 */
export function unixMsFromNtp(ntp: bigint): number {
  const value = BigInt.asUintN(64, ntp);
  let seconds = Number(value >> 32n);
  const fraction = Number(value & 0xffff_ffffn);
  // RFC 4330 §3: top bit clear means era 1 (2036-02-07 and later).
  if (seconds < 0x8000_0000) seconds += TWO_POW_32;
  return (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (fraction * 1000) / TWO_POW_32;
}

/** The middle 32 bits of an NTP timestamp, as echoed in RTCP LSR (RFC 3550 §6.4.1). */
export function ntpMiddle32(ntp: bigint): number {
  return Number((BigInt.asUintN(64, ntp) >> 16n) & 0xffff_ffffn);
}
