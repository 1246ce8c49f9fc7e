/**
 * MIKEY encoder (RFC 3830 §6) generating exactly the message gortsplib sends (RFC 3830 §3.1):
 *
 * ```
 * HDR   version 1, data type 0 (PSK init), next payload T, V 0, PRF 0, CSB ID,
 *       #CS, CS ID map type 0 (SRTP-ID), per CS: policy 0, SSRC, ROC
 * T     type 5: TS type 0 (NTP-UTC), 64-bit NTP time
 * RAND  type 11: 16 random bytes
 * SP    type 10: policy 0, protocol 0 (SRTP), EncrAlg=1, SessionEncrKeyLen=16, AuthAlg=1,
 *       SessionAuthKeyLen=20, SRTPEncr=1, SRTCPEncr=1, SRTPAuth=1, AuthTagLen=10
 * KEMAC type 1: encryption NULL, one Key data sub-payload (type 20): TEK, KV NULL or SPI (the
 *       MKI), 30 bytes; MAC NULL
 * ```
 *
 * @module
 */
import type { MikeyInit } from "./message.ts";
import {
  CsIdMapType,
  DataType,
  KemacEncryption,
  KemacMac,
  KeyType,
  KeyValidity,
  PayloadType,
  PrfFunction,
  SecurityProtocol,
  TimestampType,
} from "./payload_types.ts";
import { DEFAULT_SRTP_POLICY, encodeSrtpPolicy } from "./srtp_policy.ts";

const POLICY_NO = 0;

/** Encodes a MIKEY message; throws `RangeError` for values that do not fit their fields. */
export function buildMikey(m: MikeyInit): Uint8Array {
  checkUint32(m.csbId, "CSB ID");
  if (m.srtpStreams.length > 0xff) fail(`${m.srtpStreams.length} crypto sessions (at most 255)`);
  for (const { ssrc, roc } of m.srtpStreams) {
    checkUint32(ssrc, "SSRC");
    checkUint32(roc, "ROC");
  }
  if (m.timestamp < 0n || m.timestamp >= 1n << 64n) fail("timestamp is not a 64-bit NTP time");
  if (m.rand.length < 16 || m.rand.length > 0xff) fail(`RAND of ${m.rand.length} bytes (16 to 255)`);
  if (m.key.length !== 30) fail(`key of ${m.key.length} bytes (30: 16-byte key || 14-byte salt)`);
  if (m.mki !== undefined && (m.mki.length < 1 || m.mki.length > 0xff)) fail(`MKI of ${m.mki.length} bytes`);

  const out = new Writer();
  // Common header.
  out.u8(1).u8(DataType.pskInit).u8(PayloadType.t).u8(PrfFunction.mikey1).u32(m.csbId);
  out.u8(m.srtpStreams.length).u8(CsIdMapType.srtpId);
  for (const { ssrc, roc } of m.srtpStreams) out.u8(POLICY_NO).u32(ssrc).u32(roc);
  // T
  out.u8(PayloadType.rand).u8(TimestampType.ntpUtc).u32(Number(m.timestamp >> 32n))
    .u32(Number(m.timestamp & 0xffff_ffffn));
  // RAND
  out.u8(PayloadType.sp).u8(m.rand.length).bytes(m.rand);
  // SP
  const params = encodeSrtpPolicy(m.policy ?? DEFAULT_SRTP_POLICY);
  const paramsLength = params.reduce((n, p) => n + 2 + p.value.length, 0);
  if (paramsLength > 0xffff) fail("SP parameters longer than 65535 bytes");
  out.u8(PayloadType.kemac).u8(POLICY_NO).u8(SecurityProtocol.srtp).u16(paramsLength);
  for (const { type, value } of params) {
    if (value.length > 0xff) fail(`SP parameter ${type} longer than 255 bytes`);
    out.u8(type).u8(value.length).bytes(value);
  }
  // KEMAC with one Key data sub-payload.
  const validity = m.mki === undefined ? KeyValidity.null : KeyValidity.spi;
  const keyDataLength = 4 + m.key.length + (m.mki === undefined ? 0 : 1 + m.mki.length);
  out.u8(PayloadType.last).u8(KemacEncryption.null).u16(keyDataLength);
  out.u8(PayloadType.last).u8((KeyType.tek << 4) | validity).u16(m.key.length).bytes(m.key);
  if (m.mki !== undefined) out.u8(m.mki.length).bytes(m.mki);
  out.u8(KemacMac.null);
  return out.finish();
}

/** Growable big-endian byte writer. */
class Writer {
  #buf = new Uint8Array(128);
  #length = 0;

  u8(v: number): this {
    this.#reserve(1);
    this.#buf[this.#length++] = v;
    return this;
  }

  u16(v: number): this {
    return this.u8(v >>> 8).u8(v & 0xff);
  }

  u32(v: number): this {
    return this.u16(v >>> 16).u16(v & 0xffff);
  }

  bytes(b: Uint8Array): this {
    this.#reserve(b.length);
    this.#buf.set(b, this.#length);
    this.#length += b.length;
    return this;
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#length);
  }

  #reserve(n: number): void {
    if (this.#length + n <= this.#buf.length) return;
    const grown = new Uint8Array(Math.max(this.#buf.length * 2, this.#length + n));
    grown.set(this.#buf.subarray(0, this.#length));
    this.#buf = grown;
  }
}

function checkUint32(v: number, name: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) fail(`${name} ${v} is not a 32-bit unsigned integer`);
}

function fail(why: string): never {
  throw new RangeError(`Cannot build MIKEY message: ${why}`);
}
