/**
 * `RTP-Info` header (RFC 2326 §12.33), sent in PLAY responses: per media, the URL, the sequence
 * number of the first packet and its RTP timestamp.
 *
 * @module
 */
import { hasControl, splitKeyValue, splitOutsideQuotes, unquote } from "./_params.ts";

/** One media of an `RTP-Info` header. */
export interface RtpInfoEntry {
  url: string;
  /** Sequence number of the first packet after PLAY (16 bit). */
  seq?: number;
  /** RTP timestamp matching the PLAY range start (32 bit). */
  rtptime?: number;
}

/** Parses an `RTP-Info` value; throws `SyntaxError("Cannot parse RTP-Info header: …")`. */
export function parseRtpInfo(value: string): RtpInfoEntry[] {
  // URLs may legally contain "," (RFC 2326 gives no escaping), so a piece that does not start a
  // new entry with "url=" is glued back to the previous one.
  const pieces: string[] = [];
  for (const piece of splitOutsideQuotes(value, ",")) {
    if (pieces.length > 0 && !/^\s*url\s*=/i.test(piece)) pieces[pieces.length - 1] += `,${piece}`;
    else pieces.push(piece);
  }
  const entries: RtpInfoEntry[] = [];
  for (const piece of pieces) {
    if (piece.trim() === "") continue;
    const entry: Partial<RtpInfoEntry> = {};
    for (const param of splitOutsideQuotes(piece, ";")) {
      if (param.trim() === "") continue;
      const [key, raw] = splitKeyValue(param);
      const v = raw === undefined ? "" : unquote(raw);
      switch (key.toLowerCase()) {
        case "url":
          entry.url = v;
          break;
        case "seq":
          // Some servers send "seq=" or "rtptime=" empty before anything was sent: absent.
          if (v !== "") entry.seq = integer(v, "seq", 0xffff);
          break;
        case "rtptime":
          if (v !== "") entry.rtptime = integer(v, "rtptime", 0xffffffff);
          break;
        default:
          break; // RFC 2326 §12.33 has no other parameters; extensions are ignored.
      }
    }
    if (entry.url === undefined || entry.url === "") {
      throw new SyntaxError(`Cannot parse RTP-Info header: entry without url "${clip(piece.trim())}"`);
    }
    entries.push(entry as RtpInfoEntry);
  }
  if (entries.length === 0) throw new SyntaxError("Cannot parse RTP-Info header: empty value");
  return entries;
}

/** Formats `url=…;seq=…;rtptime=…` entries separated by commas. */
export function formatRtpInfo(entries: readonly RtpInfoEntry[]): string {
  return entries.map((e) => {
    if (e.url === "" || /[\s;,]/.test(e.url) || hasControl(e.url)) {
      throw new RangeError(`Cannot format RTP-Info header: invalid url "${clip(e.url)}"`);
    }
    let out = `url=${e.url}`;
    if (e.seq !== undefined) out += `;seq=${e.seq}`;
    if (e.rtptime !== undefined) out += `;rtptime=${e.rtptime}`;
    return out;
  }).join(",");
}

function integer(v: string, key: string, max: number): number {
  if (!/^\d{1,10}$/.test(v) || Number(v) > max) {
    throw new SyntaxError(`Cannot parse RTP-Info header: invalid ${key} "${clip(v)}"`);
  }
  return Number(v);
}

function clip(v: string): string {
  return v.length > 80 ? `${v.slice(0, 80)}…` : v;
}
