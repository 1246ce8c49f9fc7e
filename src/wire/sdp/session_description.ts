/**
 * SDP session description types (RFC 8866, formerly RFC 4566), kept close to the
 * text: values stay strings where cameras are known to write non-standard content
 * (origin numbers in hex or beyond 64 bits, `c=` without an address, ...), so that
 * nothing a publisher sent is lost on the way to readers.
 */

/** An `a=` line: `a=key` (flag, `value` undefined) or `a=key:value` (value may be ""). */
export interface SdpAttribute {
  key: string;
  value?: string;
}

/** An `m=` section with its own `i=`, `c=`, `b=` and `a=` lines. */
export interface SdpMedia {
  /** Media type: video, audio, application, text, message, ... as written. */
  type: string;
  port: number;
  /** The `/<number of ports>` suffix of the port, when present. */
  portCount?: number;
  /** Transport protocol as written: RTP/AVP, RTP/SAVP, RTP/AVP/TCP, MP2T/H2221/UDP, UDP, ... */
  protocol: string;
  /** Format list; for RTP protocols, payload types as strings. */
  formats: string[];
  /** Media title (`i=`). */
  title?: string;
  /** Raw `c=` value, e.g. `IN IP4 0.0.0.0`. */
  connection?: string;
  /** Raw `b=` values, e.g. `AS:5000`, `RS:0`, `TIAS:64000`. */
  bandwidths: string[];
  attributes: SdpAttribute[];
}

/** The `o=` line (RFC 8866 §5.2); numbers are kept as written. */
export interface SdpOrigin {
  username: string;
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

/** A whole session description. */
export interface SessionDescription {
  version: number;
  origin: SdpOrigin;
  sessionName: string;
  /** Session information (`i=`). */
  info?: string;
  /** `u=` */
  uri?: string;
  /** Raw session-level `c=` value. */
  connection?: string;
  /** Raw session-level `b=` values. */
  bandwidths: string[];
  /** Raw `t=` values, e.g. `0 0`. */
  times: string[];
  attributes: SdpAttribute[];
  medias: SdpMedia[];
}

/** The origin used when an SDP has none (or an unusable one). */
export const DEFAULT_SDP_ORIGIN: Readonly<SdpOrigin> = Object.freeze({
  username: "-",
  sessionId: "0",
  sessionVersion: "0",
  netType: "IN",
  addrType: "IP4",
  address: "0.0.0.0",
});
