/**
 * Access-unit assembly shared by the H.264 and H.265 depacketisers: RTP packets of one picture
 * share a timestamp and the last one has the marker bit (RFC 6184 §5.1, RFC 7798 §4.1). Loss is
 * detected from sequence numbers; an access unit that may miss a packet is handed out marked
 * `damaged` so the decoder can skip to the next keyframe instead of decoding garbage.
 * Pure: no DOM, no I/O (unit-tested in Deno, bundled for the browser).
 *
 * @module
 */

/** The RTP fields a depacketiser needs. */
export interface RtpFields {
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
  payload: Uint8Array;
}

/** One coded picture: its NAL units (without start codes) in decoding order. */
export interface AccessUnit {
  /** RTP timestamp (32 bits). */
  timestamp: number;
  nalus: Uint8Array[];
  /** A random-access picture, with its parameter sets in front. */
  keyframe: boolean;
  /** A packet of it may have been lost: do not decode it. */
  damaged: boolean;
}

/** The codec-specific part: payload structures and NAL types. */
export abstract class NalDepacketizer {
  #nalus: Uint8Array[] = [];
  #timestamp = 0;
  #open = false;
  #damaged = false;
  #lastSeq: number | undefined;
  /** Fragments of the NAL unit being reassembled, or undefined. */
  #fragments: Uint8Array[] | undefined;
  /** Packets seen with a sequence gap before them. */
  lostPackets = 0;

  /** Feeds one packet; returns the access units it completed (usually zero or one). */
  push(packet: RtpFields): AccessUnit[] {
    const out: AccessUnit[] = [];
    const seq = packet.sequenceNumber & 0xffff;
    const lost = this.#lastSeq !== undefined && seq !== ((this.#lastSeq + 1) & 0xffff);
    this.#lastSeq = seq;
    if (lost) {
      this.lostPackets++;
      this.#fragments = undefined;
    }
    if (this.#open && packet.timestamp !== this.#timestamp) {
      // A new picture without the previous one's marker: the loss may have taken its tail.
      const au = this.#flush(lost);
      if (au !== undefined) out.push(au);
    }
    if (!this.#open) {
      this.#open = true;
      this.#timestamp = packet.timestamp;
      this.#damaged = lost;
    } else if (lost) {
      this.#damaged = true;
    }
    this.unpack(packet.payload);
    if (packet.marker) {
      const au = this.#flush(false);
      if (au !== undefined) out.push(au);
    }
    return out;
  }

  /** Adds one whole NAL unit to the current access unit. */
  protected addNalu(nalu: Uint8Array): void {
    if (nalu.length === 0) return;
    this.#nalus.push(nalu.slice());
  }

  /** Starts a fragmented NAL unit with its rebuilt header. */
  protected startFragment(header: Uint8Array, data: Uint8Array): void {
    this.#fragments = [header, data.slice()];
  }

  /** Continues (and with `end`, finishes) a fragmented NAL unit; a lone middle is damage. */
  protected continueFragment(data: Uint8Array, end: boolean): void {
    if (this.#fragments === undefined) {
      this.#damaged = true;
      return;
    }
    this.#fragments.push(data.slice());
    if (!end) return;
    let size = 0;
    for (const f of this.#fragments) size += f.length;
    const nalu = new Uint8Array(size);
    let at = 0;
    for (const f of this.#fragments) {
      nalu.set(f, at);
      at += f.length;
    }
    this.#fragments = undefined;
    this.#nalus.push(nalu);
  }

  /** Marks the current access unit damaged (a malformed payload). */
  protected markDamaged(): void {
    this.#damaged = true;
  }

  #flush(lostTail: boolean): AccessUnit | undefined {
    const nalus = this.#nalus;
    const damaged = this.#damaged || lostTail || this.#fragments !== undefined;
    this.#nalus = [];
    this.#open = false;
    this.#damaged = false;
    this.#fragments = undefined;
    // A picture lost whole (every NAL unit in lost fragments) is still reported, damaged, so the
    // decoder waits for the next keyframe instead of predicting from a missing reference.
    if (nalus.length === 0) {
      return damaged ? { timestamp: this.#timestamp, nalus, keyframe: false, damaged } : undefined;
    }
    for (const n of nalus) this.observe(n);
    const keyframe = nalus.some((n) => this.isRandomAccess(n));
    return {
      timestamp: this.#timestamp,
      nalus: keyframe ? this.withParameterSets(nalus) : nalus,
      keyframe,
      damaged,
    };
  }

  /** Splits one RTP payload into NAL units and fragments (calls the protected helpers). */
  protected abstract unpack(payload: Uint8Array): void;
  /** Whether a NAL unit is a random-access picture. */
  protected abstract isRandomAccess(nalu: Uint8Array): boolean;
  /** Remembers parameter sets seen in band. */
  protected abstract observe(nalu: Uint8Array): void;
  /** A keyframe's NAL units with the known parameter sets in front when it lacks them. */
  protected abstract withParameterSets(nalus: Uint8Array[]): Uint8Array[];
}

/** NAL units joined with 4-byte start codes (Annex B byte stream). */
export function annexB(nalus: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const n of nalus) size += 4 + n.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const n of nalus) {
    out[at + 3] = 1;
    out.set(n, at + 4);
    at += 4 + n.length;
  }
  return out;
}

/** Decodes base64 (SDP `sprop-*` values); undefined when invalid. */
export function base64Bytes(text: string): Uint8Array | undefined {
  try {
    const bin = atob(text.trim());
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}
