import { buildCompound, buildSdesCname, buildSenderReport } from "../wire/rtcp/mod.ts";
import { ntpFromUnixMs } from "../wire/ntp.ts";
import type { StreamMediaInfo } from "./stream_port.ts";

/** CNAME the server puts in its RTCP packets (RFC 3550 §6.5.1). */
export const RTCP_CNAME = "deno-rtsp-server";

/**
 * A compound SR + SDES for what was sent of `media` (RFC 3550 §6.4.1), or undefined
 * when nothing has been sent yet. NTP is wall time; RTP time is extrapolated from the
 * stream's last packet, so players can map timestamps to wall clock and sync medias.
 */
export function senderReportFor(
  media: StreamMediaInfo,
  sentPackets: number,
  sentOctets: number,
): Uint8Array | undefined {
  const rtpTime = media.rtpTimeAt(performance.now());
  if (rtpTime === undefined || sentPackets === 0) return undefined;
  return buildCompound(
    buildSenderReport({
      ssrc: media.ssrc,
      ntpTime: ntpFromUnixMs(Date.now()),
      rtpTime,
      packetCount: sentPackets >>> 0,
      octetCount: sentOctets >>> 0,
      reports: [],
    }),
    buildSdesCname(media.ssrc, RTCP_CNAME),
  );
}
