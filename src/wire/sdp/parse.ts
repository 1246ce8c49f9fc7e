/**
 * A lenient SDP parser (RFC 8866) for what real cameras and encoders send.
 *
 * Tolerated, because devices in the field do it (see the vendor-named cases in
 * tests/unit/wire/sdp/real_world.test.ts):
 * - `v=` missing or not first; `o=` missing, short, or with hex / decimal / huge
 *   numbers (kept as strings); `s=` missing or empty; `t=` missing;
 * - CRLF, LF or CR line ends, surrounding whitespace, a UTF-8 BOM;
 * - unknown line types (`e=`, `p=`, `z=`, `k=`, `r=`, `x=` ...) and lines that are
 *   not `<letter>=...` (binary garbage) are skipped;
 * - any `m=` protocol (`MP2T/H2221/UDP`, `RTP/AVP/TCP`, `UDP`) and no `m=` at all;
 * - `c=` without an address, any `b=` modifier, attributes without value,
 *   duplicate attributes, mixed-case attribute keys (kept as written).
 *
 * It gives up with `SyntaxError` only when no SDP line can be found at all, or when
 * an `m=` line lacks its type, port or protocol, since the media cannot be used.
 */

import {
  DEFAULT_SDP_ORIGIN,
  type SdpAttribute,
  type SdpMedia,
  type SdpOrigin,
  type SessionDescription,
} from "./session_description.ts";

/** Line types defined by RFC 8866 §5; at least one must be present. */
const KNOWN_TYPES = new Set("vosiuepcbtrzkam");

/** Parses an SDP document leniently; throws `SyntaxError("Cannot parse SDP: …")` when hopeless. */
export function parseSdp(text: string | Uint8Array): SessionDescription {
  const source = typeof text === "string" ? text : new TextDecoder().decode(text);
  const sd: SessionDescription = {
    version: 0,
    origin: { ...DEFAULT_SDP_ORIGIN },
    sessionName: "",
    bandwidths: [],
    times: [],
    attributes: [],
    medias: [],
  };
  let media: SdpMedia | undefined;
  let known = 0;

  for (const raw of source.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    // A line must look like `<letter>=`; anything else is noise some devices append.
    if (line.length < 2 || line[1] !== "=" || !/^[a-zA-Z]$/.test(line[0])) continue;
    const type = line[0].toLowerCase();
    if (!KNOWN_TYPES.has(type)) continue;
    known++;
    const value = line.slice(2).trim();

    switch (type) {
      case "m":
        media = parseMediaLine(value);
        sd.medias.push(media);
        break;
      case "a":
        (media ?? sd).attributes.push(parseAttribute(value));
        break;
      case "c":
        if (media) media.connection = value;
        else sd.connection = value;
        break;
      case "b":
        (media ?? sd).bandwidths.push(value);
        break;
      case "i":
        if (media) media.title = value;
        else sd.info = value;
        break;
      // The remaining types only have a meaning at session level.
      case "v":
        if (!media) sd.version = /^\d+$/.test(value) ? Number(value) : 0;
        break;
      case "o":
        if (!media) sd.origin = parseOrigin(value);
        break;
      case "s":
        if (!media) sd.sessionName = value;
        break;
      case "u":
        if (!media) sd.uri = value;
        break;
      case "t":
        if (!media) sd.times.push(value);
        break;
        // e=, p=, r=, z=, k= are valid but not used by this server.
    }
  }

  if (known === 0) throw new SyntaxError("Cannot parse SDP: no SDP line found");
  return sd;
}

/** `a=key` or `a=key:value`; the key is trimmed, the value kept as written. */
function parseAttribute(value: string): SdpAttribute {
  const colon = value.indexOf(":");
  if (colon === -1) return { key: value };
  return { key: value.slice(0, colon).trim(), value: value.slice(colon + 1) };
}

/**
 * `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`.
 * Some devices put spaces in the username: the last five fields are taken from the
 * end. Short lines fill the fields they have, in order, and keep defaults for the rest.
 */
function parseOrigin(value: string): SdpOrigin {
  const fields = value.split(/\s+/).filter((f) => f !== "");
  if (fields.length >= 6) {
    const n = fields.length;
    return {
      username: fields.slice(0, n - 5).join(" "),
      sessionId: fields[n - 5],
      sessionVersion: fields[n - 4],
      netType: fields[n - 3],
      addrType: fields[n - 2],
      address: fields[n - 1],
    };
  }
  const o = { ...DEFAULT_SDP_ORIGIN };
  const keys = ["username", "sessionId", "sessionVersion", "netType", "addrType"] as const;
  fields.forEach((f, i) => (o[keys[i]] = f));
  return o;
}

/** `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` (RFC 8866 §5.14). */
function parseMediaLine(value: string): SdpMedia {
  const fields = value.split(/\s+/).filter((f) => f !== "");
  if (fields.length < 3) throw new SyntaxError(`Cannot parse SDP: invalid media line "m=${value}"`);
  const port = /^(\d{1,5})(?:\/(\d{1,5}))?$/.exec(fields[1]);
  if (port === null) throw new SyntaxError(`Cannot parse SDP: invalid media port "${fields[1]}"`);
  const media: SdpMedia = {
    type: fields[0],
    port: Number(port[1]),
    protocol: fields[2],
    formats: fields.slice(3),
    bandwidths: [],
    attributes: [],
  };
  if (port[2] !== undefined) media.portCount = Number(port[2]);
  return media;
}
