/**
 * The SDP a server sends in its DESCRIBE answer, built from what the publisher
 * announced (gortsplib's DESCRIBE; RFC 2326 §C.1):
 *
 * ```
 * v=0
 * o=- 0 0 IN IP4 127.0.0.1
 * s=<title, or a single space>
 * c=IN IP4 0.0.0.0            (the multicast group for ?vlcmulticast readers)
 * t=0 0
 * m=<type> 0 RTP/AVP <pts>    (RTP/SAVP on RTSPS)
 * a=control:trackID=<n>       (the trackID form is what e.g. Grandstream GXV3500 needs)
 * a=rtpmap / a=fmtp / ...     (the publisher's own, in its order)
 * a=key-mgmt:mikey ...        (extra attributes given by the caller)
 * ```
 *
 * Only attributes that describe the media itself are copied from the publisher
 * (`DESCRIBE_KEPT_ATTRIBUTES`); those about the publisher's own session are not:
 * its `a=control`, direction (`sendonly`...), `a=range`, `a=tool`, `a=key-mgmt`,
 * `a=crypto`, `a=rtcp`, `a=rtcp-mux`, `a=ssrc`, `a=mid`, `a=ts-refclk`,
 * `a=mediaclk` (RTCP is terminated here, so the publisher's clock signalling does
 * not apply), and vendor extras. fmtp lines are re-emitted exactly as announced.
 * Of the bandwidth lines, `b=AS` and `b=TIAS` are kept; `b=RS`/`b=RR` describe the
 * publisher's RTCP and are dropped.
 */

import { formatSdp } from "./format.ts";
import type { SdpAttribute, SdpMedia, SessionDescription } from "./session_description.ts";

/** Attribute keys (lower case) copied from the publisher's media into DESCRIBE answers. */
const DESCRIBE_KEPT_ATTRIBUTES: ReadonlySet<string> = new Set([
  "rtpmap",
  "fmtp",
  "framerate",
  "framesize",
  "x-dimensions",
  "x-framerate",
  "cliprect",
  "ptime",
  "maxptime",
  "orient",
  "lang",
  "sdplang",
  "quality",
]);

/** Bandwidth modifiers (upper case) copied from the publisher's media. */
const KEPT_BANDWIDTHS = new Set(["AS", "TIAS"]);

/** One media of a DESCRIBE answer. */
export interface DescribeSdpMedia {
  /** The media as announced by the publisher (or built by a source). */
  media: SdpMedia;
  /** The value of `a=control`, e.g. `trackID=0`. */
  control: string;
  /** `RTP/AVP` (default) or `RTP/SAVP`. */
  protocol?: string;
  /** Appended after the copied attributes, e.g. `{ key: "key-mgmt", value: "mikey …" }`. */
  extraAttributes?: SdpAttribute[];
}

/** Inputs of `buildDescribeSdp`. */
export interface DescribeSdpOptions {
  /** Session name; a single space when absent or empty. */
  title?: string;
  /** Address of the `c=` line: 0.0.0.0 by default, the multicast group with ?vlcmulticast. */
  connectionAddress?: string;
  medias: DescribeSdpMedia[];
}

/** The session description of a DESCRIBE answer (see `buildDescribeSdp` for the text). */
function describeSessionDescription(options: DescribeSdpOptions): SessionDescription {
  const address = options.connectionAddress ?? "0.0.0.0";
  return {
    version: 0,
    origin: {
      username: "-",
      sessionId: "0",
      sessionVersion: "0",
      netType: "IN",
      addrType: "IP4",
      address: "127.0.0.1",
    },
    sessionName: options.title ?? "",
    connection: `IN ${address.includes(":") ? "IP6" : "IP4"} ${address}`,
    bandwidths: [],
    times: ["0 0"],
    attributes: [],
    medias: options.medias.map(describeMedia),
  };
}

/** Builds the SDP body of a DESCRIBE answer (gortsplib's media matching; RFC 2326 §C.1.1), CRLF line ends. */
export function buildDescribeSdp(options: DescribeSdpOptions): string {
  return formatSdp(describeSessionDescription(options));
}

function describeMedia(entry: DescribeSdpMedia): SdpMedia {
  const { media } = entry;
  return {
    type: media.type,
    port: 0,
    protocol: entry.protocol ?? "RTP/AVP",
    formats: [...media.formats],
    bandwidths: media.bandwidths.filter((b) => KEPT_BANDWIDTHS.has(b.split(":")[0].trim().toUpperCase())),
    attributes: [
      { key: "control", value: entry.control },
      ...media.attributes.filter((a) => DESCRIBE_KEPT_ATTRIBUTES.has(a.key.toLowerCase())),
      ...(entry.extraAttributes ?? []),
    ],
  };
}
