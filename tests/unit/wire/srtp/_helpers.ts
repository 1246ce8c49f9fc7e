/** Shared helpers of the SRTP tests: hex, RTP/RTCP packet builders, the RFC 3711 fixture. */

/** Bytes from a hex string (spaces allowed). */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, "");
  return Uint8Array.from({ length: clean.length / 2 }, (_, i) => parseInt(clean.slice(i * 2, i * 2 + 2), 16));
}

/** Upper-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

/** The 30-byte master key || salt of RFC 3711 B.3. */
export const RFC_MASTER = fromHex("E1F97A0D3E018BE0D64FA32C06DE4139" + "0EC675AD498AFEEBB6960B3AABE6");

/** Another key, for the "wrong key" cases. */
export const OTHER_MASTER = Uint8Array.from({ length: 30 }, (_, i) => i * 7 + 1);

/** Fields of a test RTP packet. */
export interface TestRtp {
  seq: number;
  ssrc?: number;
  timestamp?: number;
  payload?: Uint8Array;
  csrcs?: number[];
  extension?: Uint8Array;
  marker?: boolean;
}

/** An RTP packet (version 2, PT 96) with optional CSRCs and a one-word-aligned header extension. */
export function rtp(p: TestRtp): Uint8Array {
  const csrcs = p.csrcs ?? [];
  const ext = p.extension;
  const payload = p.payload ?? Uint8Array.from({ length: 160 }, (_, i) => (i * 31 + p.seq) & 0xff);
  const extLength = ext === undefined ? 0 : 4 + ext.length;
  const out = new Uint8Array(12 + csrcs.length * 4 + extLength + payload.length);
  const view = new DataView(out.buffer);
  out[0] = 0x80 | (ext === undefined ? 0 : 0x10) | csrcs.length;
  out[1] = (p.marker ? 0x80 : 0) | 96;
  view.setUint16(2, p.seq & 0xffff);
  view.setUint32(4, (p.timestamp ?? p.seq * 3000) >>> 0);
  view.setUint32(8, (p.ssrc ?? 0x11223344) >>> 0);
  let o = 12;
  for (const c of csrcs) view.setUint32((o += 4) - 4, c);
  if (ext !== undefined) {
    view.setUint16(o, 0xbede);
    view.setUint16(o + 2, ext.length / 4);
    out.set(ext, o + 4);
    o += 4 + ext.length;
  }
  out.set(payload, o);
  return out;
}

/** A compound RTCP packet: a Sender Report of `ssrc` followed by an SDES CNAME. */
export function rtcpSr(ssrc: number, packetCount: number): Uint8Array {
  const cname = new TextEncoder().encode("test@host");
  const sdesLength = 4 + 4 + 2 + cname.length;
  const sdesPadded = Math.ceil((sdesLength + 1) / 4) * 4;
  const out = new Uint8Array(28 + sdesPadded);
  const view = new DataView(out.buffer);
  out[0] = 0x80;
  out[1] = 200;
  view.setUint16(2, 6);
  view.setUint32(4, ssrc >>> 0);
  view.setUint32(8, 0xeeb0a611);
  view.setUint32(12, 0x12345678);
  view.setUint32(16, packetCount * 3000);
  view.setUint32(20, packetCount);
  view.setUint32(24, packetCount * 160);
  out[28] = 0x81;
  out[29] = 202;
  view.setUint16(30, sdesPadded / 4 - 1);
  view.setUint32(32, ssrc >>> 0);
  out[36] = 1;
  out[37] = cname.length;
  out.set(cname, 38);
  return out;
}

/** The RFC 3711 Appendix B vectors (tests/fixtures/srtp_rfc3711.json). */
export interface Rfc3711Vectors {
  b2AesCm: {
    sessionKey: string;
    sessionSaltShifted: string;
    keystreamSegmentLength: number;
    keystreamBlocks: { counter: string; keystream: string }[];
  };
  b3KeyDerivation: {
    masterKey: string;
    masterSalt: string;
    cipherKey: { label: number; aesCmInput: string; output: string };
    cipherSalt: { label: number; aesCmInput: string; aesCmOutput: string; output: string };
    authKey: { label: number; aesCmInput: string; output94: string; output: string };
  };
}

/** Loads the RFC 3711 fixture. */
export async function loadRfc3711(): Promise<Rfc3711Vectors> {
  const url = new URL("../../../fixtures/srtp_rfc3711.json", import.meta.url);
  return JSON.parse(await Deno.readTextFile(url)) as Rfc3711Vectors;
}
