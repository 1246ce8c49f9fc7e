/**
 * MPEG-4 audio over RTP, `mpeg4-generic` AAC-hbr mode (RFC 3640 §3.2, §3.3.6): an AU-headers
 * section (`sizelength`/`indexlength`/`indexdeltalength` bits per header) followed by the access
 * units; a unit larger than one packet is fragmented over packets sharing its timestamp.
 *
 * @module
 */
import type { RtpFields } from "./nal_depacketizer.ts";

/** One AAC frame and its RTP timestamp. */
export interface AudioUnit {
  timestamp: number;
  data: Uint8Array;
}

/** The fmtp parameters of the AU headers. */
export interface AacHeaderLayout {
  sizeLength: number;
  indexLength: number;
  indexDeltaLength: number;
}

/** Reads AAC frames from `mpeg4-generic` payloads. */
export class AacDepacketizer {
  readonly #layout: AacHeaderLayout;
  /** Samples per frame (1024 for AAC-LC). */
  readonly #frameSamples: number;
  #fragment: { timestamp: number; size: number; parts: Uint8Array[]; got: number } | undefined;
  #lastSeq: number | undefined;

  constructor(layout: AacHeaderLayout, frameSamples = 1024) {
    this.#layout = layout;
    this.#frameSamples = frameSamples;
  }

  /** The frames completed by this packet; malformed payloads yield none. */
  push(packet: RtpFields): AudioUnit[] {
    const seq = packet.sequenceNumber & 0xffff;
    if (this.#lastSeq !== undefined && seq !== ((this.#lastSeq + 1) & 0xffff)) this.#fragment = undefined;
    this.#lastSeq = seq;
    const p = packet.payload;
    if (p.length < 2) return [];
    const headerBits = (p[0] << 8) | p[1];
    const headerBytes = Math.ceil(headerBits / 8);
    if (2 + headerBytes > p.length) return [];
    const sizes: number[] = [];
    const bits = new BitReader(p.subarray(2, 2 + headerBytes));
    const { sizeLength, indexLength, indexDeltaLength } = this.#layout;
    let consumed = 0;
    while (consumed + sizeLength <= headerBits && sizeLength > 0) {
      sizes.push(bits.read(sizeLength));
      bits.read(sizes.length === 1 ? indexLength : indexDeltaLength);
      consumed += sizeLength + (sizes.length === 1 ? indexLength : indexDeltaLength);
    }
    const data = p.subarray(2 + headerBytes);
    if (this.#fragment !== undefined) {
      const f = this.#fragment;
      if (packet.timestamp !== f.timestamp) {
        this.#fragment = undefined;
      } else {
        f.parts.push(data.slice());
        f.got += data.length;
        if (f.got < f.size) return [];
        this.#fragment = undefined;
        return [{ timestamp: f.timestamp, data: join(f.parts).subarray(0, f.size) }];
      }
    }
    if (sizes.length === 1 && sizes[0] > data.length) {
      this.#fragment = {
        timestamp: packet.timestamp,
        size: sizes[0],
        parts: [data.slice()],
        got: data.length,
      };
      return [];
    }
    const out: AudioUnit[] = [];
    let at = 0;
    for (let i = 0; i < sizes.length; i++) {
      if (at + sizes[i] > data.length) break;
      out.push({
        timestamp: (packet.timestamp + i * this.#frameSamples) >>> 0,
        data: data.slice(at, at + sizes[i]),
      });
      at += sizes[i];
    }
    return out;
  }
}

function join(parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

class BitReader {
  readonly #bytes: Uint8Array;
  #bit = 0;
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }
  read(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.#bytes[this.#bit >> 3] ?? 0;
      v = v * 2 + ((byte >> (7 - (this.#bit & 7))) & 1);
      this.#bit++;
    }
    return v;
  }
}

/** `mp4a.40.<audioObjectType>` from an AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1). */
export function aacCodec(config: Uint8Array): string {
  const objectType = config.length > 0 ? config[0] >> 3 : 2;
  return `mp4a.40.${objectType === 0 ? 2 : objectType}`;
}

/** Hex fmtp value (`config=1190`) to bytes; undefined when malformed. */
export function hexBytes(hex: string): Uint8Array | undefined {
  const clean = hex.trim();
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return undefined;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}
