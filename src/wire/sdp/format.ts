/**
 * Serializes a session description with CRLF line ends in the order RFC 8866 §5
 * requires: v o s i u c b t a, then per media m i c b a.
 */

import type { SdpAttribute, SdpMedia, SessionDescription } from "./session_description.ts";

/** Formats a session description as SDP text with CRLF line ends. */
export function formatSdp(sd: SessionDescription): string {
  const o = sd.origin;
  const lines = [
    `v=${sd.version}`,
    `o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`,
    // RFC 8866 §5.3: s= must not be empty; a single space stands for "no name".
    `s=${sd.sessionName === "" ? " " : sd.sessionName}`,
  ];
  if (sd.info !== undefined) lines.push(`i=${sd.info}`);
  if (sd.uri !== undefined) lines.push(`u=${sd.uri}`);
  if (sd.connection !== undefined) lines.push(`c=${sd.connection}`);
  for (const b of sd.bandwidths) lines.push(`b=${b}`);
  // RFC 8866 §5.9: at least one t= line; "0 0" means unbounded.
  for (const t of sd.times.length > 0 ? sd.times : ["0 0"]) lines.push(`t=${t}`);
  for (const a of sd.attributes) lines.push(formatAttribute(a));
  for (const m of sd.medias) lines.push(...formatMediaLines(m));
  return lines.join("\r\n") + "\r\n";
}

/** `a=key` or `a=key:value`. */
function formatAttribute(a: SdpAttribute): string {
  return a.value === undefined ? `a=${a.key}` : `a=${a.key}:${a.value}`;
}

/** The `m=` line and its i c b a lines, without line ends. */
function formatMediaLines(m: SdpMedia): string[] {
  const port = m.portCount === undefined ? `${m.port}` : `${m.port}/${m.portCount}`;
  const lines = [[`m=${m.type}`, port, m.protocol, ...m.formats].join(" ")];
  if (m.title !== undefined) lines.push(`i=${m.title}`);
  if (m.connection !== undefined) lines.push(`c=${m.connection}`);
  for (const b of m.bandwidths) lines.push(`b=${b}`);
  for (const a of m.attributes) lines.push(formatAttribute(a));
  return lines;
}
