import { buildCompound, buildReceiverReport, buildSdesCname, buildSenderReport } from "../wire/rtcp/mod.ts";
import { ntpFromUnixMs } from "../wire/mod.ts";
import type { ReaderHandle, StreamMediaInfo } from "./stream_port.ts";
import type { Delivery } from "./delivery.ts";
import type { SessionCounters } from "./session_counters.ts";
import type { SessionMedia } from "./session_media.ts";

/** CNAME the server puts in its RTCP packets (RFC 3550 §6.5.1). */
const RTCP_CNAME = "deno-rtsp-server";

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

/** A reader's sender reports, one per media that has sent something (SAVP: with the stream's key). */
export function sendSenderReports(
  counters: SessionCounters,
  d: Delivery,
  reader: ReaderHandle,
  medias: ReadonlyMap<number, SessionMedia>,
): void {
  for (const m of medias.values()) {
    const sr = senderReportFor(reader.medias[m.index], m.sentPackets, m.sentOctets);
    if (sr === undefined) continue;
    send(counters, d, m, d.secure ? reader.medias[m.index].encryptRtcp(sr) : sr);
  }
}

/** A publisher's receiver reports (RFC 3550 §6.4.2), once its SSRC is known (SAVP: with the server's own key). */
export function sendReceiverReports(
  counters: SessionCounters,
  d: Delivery,
  medias: ReadonlyMap<number, SessionMedia>,
  ownSsrc: number,
): void {
  for (const m of medias.values()) {
    if (m.receiver === undefined || m.remoteSsrc === undefined) continue;
    const block = m.receiver.takeReportBlock(m.remoteSsrc, m.lastSr, Date.now());
    const rr = buildCompound(
      buildReceiverReport({ ssrc: ownSsrc, reports: [block] }),
      buildSdesCname(ownSsrc, RTCP_CNAME),
    );
    if (!d.secure) send(counters, d, m, rr);
    else if (m.srtpOut !== undefined) send(counters, d, m, m.srtpOut.encryptRtcp(rr));
  }
}

function send(counters: SessionCounters, d: Delivery, m: SessionMedia, packet: Uint8Array): void {
  counters.outRtcpPackets++;
  counters.outBytes += packet.length;
  d.sendRtcp(m.index, packet);
}
