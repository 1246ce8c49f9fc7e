/**
 * Read-only helpers that interpret the attributes of an `m=` section: control URL,
 * rtpmap (RFC 8866 §6.6) with RFC 3551 static payload types, fmtp parameters
 * (§6.15), clock rate and codec name. Attribute keys are matched case-insensitively
 * because some cameras write `a=Control:` or `a=RTPMAP:`.
 */

import type { SdpAttribute, SdpMedia } from "./session_description.ts";

/** An `a=rtpmap` entry: `<encoding>/<clock rate>[/<channels>]`. */
export interface RtpMap {
  /** Encoding name as written (`H264`, `mpeg4-generic`, `opus` ...). */
  encoding: string;
  clockRate: number;
  /** Channel count for audio, when given. */
  channels?: number;
}

/** Static payload types of RFC 3551 §6 Tables 4 and 5 (used when no rtpmap is given). */
const STATIC_PAYLOAD_TYPES: ReadonlyMap<number, Readonly<RtpMap>> = new Map<number, RtpMap>([
  [0, { encoding: "PCMU", clockRate: 8000 }],
  [3, { encoding: "GSM", clockRate: 8000 }],
  [4, { encoding: "G723", clockRate: 8000 }],
  [5, { encoding: "DVI4", clockRate: 8000 }],
  [6, { encoding: "DVI4", clockRate: 16000 }],
  [7, { encoding: "LPC", clockRate: 8000 }],
  [8, { encoding: "PCMA", clockRate: 8000 }],
  [9, { encoding: "G722", clockRate: 8000 }], // 8000 by historical error, RFC 3551 §4.5.2
  [10, { encoding: "L16", clockRate: 44100, channels: 2 }],
  [11, { encoding: "L16", clockRate: 44100 }],
  [12, { encoding: "QCELP", clockRate: 8000 }],
  [13, { encoding: "CN", clockRate: 8000 }],
  [14, { encoding: "MPA", clockRate: 90000 }],
  [15, { encoding: "G728", clockRate: 8000 }],
  [16, { encoding: "DVI4", clockRate: 11025 }],
  [17, { encoding: "DVI4", clockRate: 22050 }],
  [18, { encoding: "G729", clockRate: 8000 }],
  [25, { encoding: "CelB", clockRate: 90000 }],
  [26, { encoding: "JPEG", clockRate: 90000 }],
  [28, { encoding: "nv", clockRate: 90000 }],
  [31, { encoding: "H261", clockRate: 90000 }],
  [32, { encoding: "MPV", clockRate: 90000 }],
  [33, { encoding: "MP2T", clockRate: 90000 }],
  [34, { encoding: "H263", clockRate: 90000 }],
]);

/** fmtp parameters: keys keep their spelling, `get`/`has` also match case-insensitively. */
export class FmtpParameters extends Map<string, string> {
  /** The value for `key`, trying the exact spelling first, then any case. */
  override get(key: string): string | undefined {
    const exact = super.get(key);
    if (exact !== undefined) return exact;
    const lower = key.toLowerCase();
    for (const [k, v] of this) if (k.toLowerCase() === lower) return v;
    return undefined;
  }

  /** Whether `key` is present in any case. */
  override has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

/** Values of every attribute named `key` (any case), in order. */
function attributeValues(attributes: readonly SdpAttribute[], key: string): Array<string | undefined> {
  const lower = key.toLowerCase();
  return attributes.filter((a) => a.key.toLowerCase() === lower).map((a) => a.value);
}

/** The first attribute named `key` (any case), trimmed; "" for a flag; undefined when absent. */
export function attributeValue(attributes: readonly SdpAttribute[], key: string): string | undefined {
  const lower = key.toLowerCase();
  const found = attributes.find((a) => a.key.toLowerCase() === lower);
  return found === undefined ? undefined : (found.value ?? "").trim();
}

/** The media's `a=control` value (absolute URL, relative path or `*`), trimmed. */
export function mediaControl(m: SdpMedia): string | undefined {
  return attributeValue(m.attributes, "control");
}

/** `sendonly`, `recvonly`, `sendrecv` or `inactive` when the media declares it (RFC 8866 §6.7). */
export function mediaDirection(m: SdpMedia): "sendonly" | "recvonly" | "sendrecv" | "inactive" | undefined {
  for (const a of m.attributes) {
    const key = a.key.toLowerCase();
    if (key === "sendonly" || key === "recvonly" || key === "sendrecv" || key === "inactive") return key;
  }
  return undefined;
}

/** The numeric payload types of the `m=` format list, in order (non-numbers skipped). */
export function payloadTypes(m: SdpMedia): number[] {
  return m.formats.filter((f) => /^\d{1,3}$/.test(f) && Number(f) <= 127).map(Number);
}

/**
 * rtpmap entries by payload type; static payload types listed in `m=` without an
 * rtpmap get their RFC 3551 entry. The first rtpmap for a payload type wins. A
 * missing clock rate falls back to `defaultClockRate(m.type)`.
 */
export function rtpMaps(m: SdpMedia): Map<number, RtpMap> {
  const maps = new Map<number, RtpMap>();
  for (const value of attributeValues(m.attributes, "rtpmap")) {
    const match = /^(\d{1,3})\s+([^\s/]+)(?:\/(\d+))?(?:\/(\d+))?/.exec((value ?? "").trim());
    if (match === null) continue;
    const pt = Number(match[1]);
    if (pt > 127 || maps.has(pt)) continue;
    const map: RtpMap = {
      encoding: match[2],
      clockRate: match[3] !== undefined && Number(match[3]) > 0 ? Number(match[3]) : defaultClockRate(m.type),
    };
    if (match[4] !== undefined) map.channels = Number(match[4]);
    maps.set(pt, map);
  }
  for (const pt of payloadTypes(m)) {
    const known = STATIC_PAYLOAD_TYPES.get(pt);
    if (known !== undefined && !maps.has(pt)) maps.set(pt, { ...known });
  }
  return maps;
}

/**
 * Parameters of `a=fmtp:<pt> k=v;k=v` (empty when absent). Values may contain `=`
 * (base64 padding in `sprop-parameter-sets`): only the first `=` splits. A token
 * without `=` (e.g. telephone-event `0-15`) becomes a key with an empty value.
 */
export function fmtp(m: SdpMedia, pt: number): FmtpParameters {
  const params = new FmtpParameters();
  for (const value of attributeValues(m.attributes, "fmtp")) {
    const match = /^(\d{1,3})(?:\s+([\s\S]*))?$/.exec((value ?? "").trim());
    if (match === null || Number(match[1]) !== pt) continue;
    for (const part of (match[2] ?? "").split(";")) {
      const token = part.trim();
      if (token === "") continue;
      const eq = token.indexOf("=");
      const key = (eq === -1 ? token : token.slice(0, eq)).trim();
      if (key !== "" && !params.has(key)) params.set(key, eq === -1 ? "" : token.slice(eq + 1).trim());
    }
    break; // the first fmtp line for this payload type wins
  }
  return params;
}

/**
 * Clock rate used when an SDP gives none: 8000 Hz for audio (the rate of most static
 * audio payload types, RFC 3551 §4.5) and 90000 Hz for everything else (the rate
 * RFC 3551 §5 uses for all video). Both are guesses made only for broken SDPs.
 */
function defaultClockRate(mediaType: string): number {
  return mediaType.toLowerCase() === "audio" ? 8000 : 90000;
}

/** Clock rate of a payload type: rtpmap, else static table, else `defaultClockRate`. */
export function clockRateOf(m: SdpMedia, pt: number): number {
  return rtpMaps(m).get(pt)?.clockRate ?? defaultClockRate(m.type);
}

/**
 * Why a publisher's media cannot be used, or undefined when every format has a payload type and
 * a clock rate: an `rtpmap`, or a static payload type (RFC 3551 §6). A dynamic payload type
 * without `rtpmap` (`m=video 0 RTP/AVP 96` with only `a=rtpmap:97 …`) has no clock rate, so
 * timestamps could never be turned into time; MediaMTX rejects such an ANNOUNCE.
 */
export function unusableFormatReason(m: SdpMedia): string | undefined {
  if (m.formats.length === 0) return "no format";
  const maps = rtpMaps(m);
  for (const f of m.formats) {
    if (!/^\d{1,3}$/.test(f) || Number(f) > 127) return `invalid payload type "${f}"`;
    if (!maps.has(Number(f))) return `no clock rate for payload type ${f} (no rtpmap)`;
  }
  return undefined;
}

/** Upper-cased encoding name (`H264`, `H265`, `MPEG4-GENERIC`, `OPUS` ...), "" when unknown. */
export function codecOf(m: SdpMedia, pt: number): string {
  return rtpMaps(m).get(pt)?.encoding.toUpperCase() ?? "";
}
