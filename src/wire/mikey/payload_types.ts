/**
 * MIKEY (RFC 3830) code points used by RTSP key management (RFC 4567): payload types (§6.1),
 * data types (§6.1), the SRTP policy parameter types (§6.10.1) and the key data fields (§6.13).
 *
 * @module
 */

/** Next-payload values (RFC 3830 §6.1, table 6.1.c). */
export const PayloadType = {
  last: 0,
  kemac: 1,
  pke: 2,
  dh: 3,
  sign: 4,
  t: 5,
  id: 6,
  cert: 7,
  chash: 8,
  v: 9,
  sp: 10,
  rand: 11,
  err: 12,
  keyData: 20,
  generalExtension: 21,
} as const;

/** Payload type names, for error messages. */
export const PAYLOAD_NAMES: Readonly<Record<number, string>> = {
  0: "Last",
  1: "KEMAC",
  2: "PKE",
  3: "DH",
  4: "SIGN",
  5: "T",
  6: "ID",
  7: "CERT",
  8: "CHASH",
  9: "V",
  10: "SP",
  11: "RAND",
  12: "ERR",
  20: "Key data",
  21: "General Extension",
};

/** Data types of the common header (RFC 3830 §6.1, table 6.1.a); only `psk-init` is supported. */
export const DataType = { pskInit: 0 } as const;

/** CS ID map types (RFC 3830 §6.1.1; 1 and 2 come from RFC 6043): only SRTP-ID. */
export const CsIdMapType = { srtpId: 0 } as const;

/** PRF functions of the common header (RFC 3830 §6.1, table 6.1.e). */
export const PrfFunction = { mikey1: 0 } as const;

/** T payload timestamp types (RFC 3830 §6.6). */
export const TimestampType = { ntpUtc: 0, ntp: 1, counter: 2 } as const;

/** Security protocols of the SP payload (RFC 3830 §6.10). */
export const SecurityProtocol = { srtp: 0 } as const;

/** SRTP policy parameter types (RFC 3830 §6.10.1). Lengths are in octets. */
export const SrtpParam = {
  encryptionAlgorithm: 0,
  encryptionKeyLength: 1,
  authenticationAlgorithm: 2,
  authenticationKeyLength: 3,
  saltKeyLength: 4,
  prf: 5,
  keyDerivationRate: 6,
  srtpEncryption: 7,
  srtcpEncryption: 8,
  fecOrder: 9,
  srtpAuthentication: 10,
  authenticationTagLength: 11,
  srtpPrefixLength: 12,
} as const;

/** KEMAC encryption algorithms (RFC 3830 §6.2): only NULL (the key is in clear, inside TLS). */
export const KemacEncryption = { null: 0, aesCm128: 1, aesKw128: 2 } as const;

/** KEMAC MAC algorithms (RFC 3830 §6.2): only NULL. */
export const KemacMac = { null: 0, hmacSha1160: 1 } as const;

/** Key data types (RFC 3830 §6.13). */
export const KeyType = { tgk: 0, tgkSalt: 1, tek: 2, tekSalt: 3 } as const;

/** Key validity types (RFC 3830 §6.13). */
export const KeyValidity = { null: 0, spi: 1, interval: 2 } as const;
