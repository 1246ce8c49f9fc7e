/**
 * MIKEY decoder (RFC 3830 §6) for the subset RTSP uses (RFC 4568 §6.2; gortsplib's only suite): a pre-shared-key init
 * message (data type 0, PRF MIKEY-1) with an SRTP-ID map, T, RAND, SP and a NULL/NULL KEMAC that
 * holds one 30-byte TEK. Payloads may come in any order; ID, CERT and General Extension payloads
 * are skipped; one trailing 0x00 byte is tolerated (Milestone XProtect). Anything else throws a
 * `SyntaxError("Cannot parse MIKEY message: …")` naming it.
 *
 * @module
 */
import { MikeyReader } from "./_reader.ts";
import type { MikeyMessage, MikeySrtpStream } from "./message.ts";
import {
  CsIdMapType,
  DataType,
  KemacEncryption,
  KemacMac,
  KeyType,
  KeyValidity,
  PAYLOAD_NAMES,
  PayloadType,
  PrfFunction,
  SecurityProtocol,
  TimestampType,
} from "./payload_types.ts";
import { decodeSrtpPolicy, type MikeyPolicyParameter, type SrtpPolicy } from "./srtp_policy.ts";

const TEK_LENGTH = 30;
const MIN_RAND = 16;

interface CommonHeader {
  firstPayload: number;
  csbId: number;
  streams: (MikeySrtpStream & { policyNo: number })[];
}

interface KeyData {
  key: Uint8Array;
  mki?: Uint8Array;
}

/** Decodes a MIKEY message; throws `SyntaxError` naming what is malformed or unsupported. */
export function parseMikey(data: Uint8Array): MikeyMessage {
  const r = new MikeyReader(data);
  const header = parseCommonHeader(r);
  let timestamp: bigint | undefined;
  let rand: Uint8Array | undefined;
  let keyData: KeyData | undefined;
  const policies = new Map<number, SrtpPolicy>();
  const once = (present: boolean, name: string) => {
    if (present) fail(`more than one ${name} payload`);
  };

  let next = header.firstPayload;
  while (next !== PayloadType.last) {
    const type = next;
    next = r.uint8("next payload");
    switch (type) {
      case PayloadType.t:
        once(timestamp !== undefined, "T");
        timestamp = parseTimestamp(r);
        break;
      case PayloadType.rand:
        once(rand !== undefined, "RAND");
        rand = parseRand(r);
        break;
      case PayloadType.sp: {
        const [policyNo, policy] = parseSecurityPolicy(r);
        if (policies.has(policyNo)) fail(`more than one SP payload for policy ${policyNo}`);
        policies.set(policyNo, policy);
        break;
      }
      case PayloadType.kemac:
        once(keyData !== undefined, "KEMAC");
        keyData = parseKemac(r);
        break;
      case PayloadType.id:
      case PayloadType.cert:
      case PayloadType.generalExtension:
        skipTypeLengthPayload(r, PAYLOAD_NAMES[type]);
        break;
      default:
        fail(`unsupported ${PAYLOAD_NAMES[type] ?? "unknown"} payload (type ${type})`);
    }
  }
  const rest = r.rest();
  if (rest.length > 1 || (rest.length === 1 && rest[0] !== 0)) fail(`${rest.length} trailing bytes`);

  if (timestamp === undefined) fail("missing T payload");
  if (rand === undefined) fail("missing RAND payload");
  if (keyData === undefined) fail("missing KEMAC payload");
  const policy = policyOf(header, policies);
  const message: MikeyMessage = {
    csbId: header.csbId,
    srtpStreams: header.streams.map(({ ssrc, roc }) => ({ ssrc, roc })),
    timestamp,
    rand,
    policy,
    key: keyData.key,
  };
  if (keyData.mki !== undefined) message.mki = keyData.mki;
  return message;
}

/**
 * Common header (§6.1), then the SRTP-ID map (§6.1.1), 9 bytes per crypto session:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  version      !  data type    ! next payload  !V! PRF func    !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                         CSB ID                                !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! #CS           ! CS ID map type! Policy_no_1   ! SSRC_1        ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~ SSRC_1 (cont)                 ! ROC_1                         ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~ ROC_1 (cont)                  ! Policy_no_2   ! ...
 * ```
 *
 * V (a verification message is wanted) is ignored: RTSP never answers with one.
 */
function parseCommonHeader(r: MikeyReader): CommonHeader {
  const version = r.uint8("common header");
  if (version !== 1) fail(`unsupported version ${version}`);
  const dataType = r.uint8("common header");
  if (dataType !== DataType.pskInit) fail(`unsupported data type ${dataType} (only 0, pre-shared key init)`);
  const firstPayload = r.uint8("common header");
  const prf = r.uint8("common header") & 0x7f;
  if (prf !== PrfFunction.mikey1) fail(`unsupported PRF function ${prf} (only 0, MIKEY-1)`);
  const csbId = r.uint32("common header");
  const count = r.uint8("common header");
  const mapType = r.uint8("common header");
  if (count > 0 && mapType !== CsIdMapType.srtpId) {
    fail(`unsupported CS ID map type ${mapType} (only 0, SRTP-ID)`);
  }
  const streams: CommonHeader["streams"] = [];
  for (let i = 0; i < count; i++) {
    const policyNo = r.uint8("SRTP-ID map");
    const ssrc = r.uint32("SRTP-ID map");
    const roc = r.uint32("SRTP-ID map");
    streams.push({ policyNo, ssrc, roc });
  }
  return { firstPayload, csbId, streams };
}

/**
 * T payload (§6.6), after its next-payload byte: NTP-UTC or NTP, 64 bits. The 32-bit COUNTER
 * type cannot be checked against the clock and is refused.
 *
 * ```
 * ! Next Payload  !   TS type     ! TS value                      ~
 * ```
 */
function parseTimestamp(r: MikeyReader): bigint {
  const type = r.uint8("T payload");
  if (type !== TimestampType.ntpUtc && type !== TimestampType.ntp) {
    fail(`unsupported timestamp type ${type} (only NTP-UTC and NTP)`);
  }
  return r.uint64("T payload");
}

/**
 * RAND payload (§6.11), at least 16 bytes required (RFC 3830 §4.1.4):
 *
 * ```
 * ! Next payload  ! RAND len      ! RAND                          ~
 * ```
 */
function parseRand(r: MikeyReader): Uint8Array {
  const length = r.uint8("RAND payload");
  if (length < MIN_RAND) fail(`RAND of ${length} bytes (at least ${MIN_RAND} required)`);
  return r.bytes(length, "RAND payload");
}

/**
 * SP payload (§6.10) with its type/length/value parameters:
 *
 * ```
 * ! Next payload  ! Policy no     ! Prot type     ! Policy param  ~
 * ~ length (cont) ! Type          ! Length        ! Value         ~
 * ```
 */
function parseSecurityPolicy(r: MikeyReader): [number, SrtpPolicy] {
  const policyNo = r.uint8("SP payload");
  const protocol = r.uint8("SP payload");
  if (protocol !== SecurityProtocol.srtp) fail(`unsupported security protocol ${protocol} (only 0, SRTP)`);
  const length = r.uint16("SP payload");
  const params = new MikeyReader(r.bytes(length, "SP parameters"));
  const list: MikeyPolicyParameter[] = [];
  while (params.remaining > 0) {
    const type = params.uint8("SP parameter");
    const valueLength = params.uint8("SP parameter");
    list.push({ type, value: params.bytes(valueLength, "SP parameter") });
  }
  return [policyNo, decodeSrtpPolicy(list)];
}

/**
 * KEMAC payload (§6.2) with NULL encryption and NULL MAC, so the key data sub-payloads are in
 * clear and no MAC follows the MAC algorithm byte:
 *
 * ```
 * ! Next payload  ! Encr alg      ! Encr data len                 !
 * !                        Encr data                              ~
 * ! Mac alg       !        MAC                                    ~
 * ```
 */
function parseKemac(r: MikeyReader): KeyData {
  const encryption = r.uint8("KEMAC payload");
  if (encryption !== KemacEncryption.null) fail(`unsupported KEMAC encryption ${encryption} (only NULL)`);
  const length = r.uint16("KEMAC payload");
  const inner = new MikeyReader(r.bytes(length, "KEMAC key data"));
  const mac = r.uint8("KEMAC payload");
  if (mac !== KemacMac.null) fail(`unsupported KEMAC MAC algorithm ${mac} (only NULL)`);
  const keys: KeyData[] = [];
  let next: number = PayloadType.keyData;
  while (next !== PayloadType.last) {
    if (next !== PayloadType.keyData) fail(`unexpected payload type ${next} inside KEMAC`);
    next = inner.uint8("Key data sub-payload");
    keys.push(parseKeyData(inner));
  }
  if (inner.remaining > 0) fail(`${inner.remaining} bytes after the last key data sub-payload`);
  if (keys.length !== 1) fail(`KEMAC carries ${keys.length} keys (exactly 1 supported)`);
  return keys[0];
}

/**
 * Key data sub-payload (§6.13). TEK of 30 bytes (master key || salt); TEK+SALT with a 16-byte key
 * and 14-byte salt is read the same way. KV: NULL, SPI (the MKI) or an interval (ignored).
 *
 * ```
 * ! Next Payload  ! Type  ! KV    ! Key data len                  !
 * !                         Key data                              ~
 * ! Salt len (optional)           ! Salt data (optional)          ~
 * !                        KV data (optional)                     ~
 * ```
 */
function parseKeyData(r: MikeyReader): KeyData {
  const typeAndValidity = r.uint8("Key data sub-payload");
  const type = typeAndValidity >> 4;
  const validity = typeAndValidity & 0x0f;
  if (type !== KeyType.tek && type !== KeyType.tekSalt) fail(`unsupported key type ${type} (only TEK)`);
  let key = r.bytes(r.uint16("Key data sub-payload"), "key data");
  if (type === KeyType.tekSalt) {
    const salt = r.bytes(r.uint16("salt length"), "salt data");
    const joined = new Uint8Array(key.length + salt.length);
    joined.set(key);
    joined.set(salt, key.length);
    key = joined;
  }
  if (key.length !== TEK_LENGTH) {
    fail(`key length ${key.length} (only ${TEK_LENGTH}: 16-byte key || 14-byte salt)`);
  }
  switch (validity) {
    case KeyValidity.null:
      return { key };
    case KeyValidity.spi: {
      const mki = r.bytes(r.uint8("SPI length"), "SPI");
      return { key, mki };
    }
    case KeyValidity.interval:
      r.bytes(r.uint8("valid-from length"), "valid-from");
      r.bytes(r.uint8("valid-to length"), "valid-to");
      return { key };
    default:
      return fail(`unsupported key validity type ${validity}`);
  }
}

/**
 * ID (§6.7), CERT (§6.7) and General Extension (§6.15) payloads share a layout after the
 * next-payload byte: a type byte and a 16-bit length. They carry nothing RTSP needs.
 */
function skipTypeLengthPayload(r: MikeyReader, name: string): void {
  r.uint8(`${name} payload`);
  r.bytes(r.uint16(`${name} payload`), `${name} payload`);
}

/** The policy the crypto sessions refer to; RFC 3711 defaults when no SP payload came. */
function policyOf(header: CommonHeader, policies: Map<number, SrtpPolicy>): SrtpPolicy {
  if (policies.size === 0) return decodeSrtpPolicy([]);
  for (const { policyNo } of header.streams) {
    if (!policies.has(policyNo)) fail(`crypto session refers to missing SP policy ${policyNo}`);
  }
  const first = header.streams.length > 0 ? header.streams[0].policyNo : policies.keys().next().value!;
  return policies.get(first)!;
}

function fail(why: string): never {
  throw new SyntaxError(`Cannot parse MIKEY message: ${why}`);
}
