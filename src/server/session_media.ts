import type { NetAddr } from "../transport/mod.ts";
import { RtpReceiverStats } from "../wire/rtp/mod.ts";
import type { SrtpContext } from "../wire/srtp/mod.ts";

/** How one media of a session was set up (SETUP), plus its counters. */
export interface SessionMedia {
  /** Index of the media in the stream (play) or in the ANNOUNCE SDP (record). */
  readonly index: number;
  /** UDP: where the client receives (play) or sends from (record). */
  clientRtp?: NetAddr;
  clientRtcp?: NetAddr;
  /** TCP: interleaved channels. */
  channels?: [number, number];
  /** Packets and payload octets sent to the reader (RTCP SR, RFC 3550 §6.4.1). */
  sentPackets: number;
  sentOctets: number;
  /** Record: clock rate of the media's first format (jitter in RTP units). */
  clockRate?: number;
  /** Record: the payload types the ANNOUNCE lists for this media; other packets are dropped. */
  payloadTypes?: ReadonlySet<number>;
  /** Record: reception statistics for receiver reports. */
  receiver?: RtpReceiverStats;
  /** SAVP: decrypts what the client sends (its RTP when recording, its RTCP always). */
  srtpIn?: SrtpContext;
  /** SAVP record: encrypts the server's receiver reports, with the key sent in SETUP. */
  srtpOut?: SrtpContext;
  /** Record: the publisher's SSRC, learnt from its packets. */
  remoteSsrc?: number;
  /** Record: middle 32 bits of the publisher's last SR and when it arrived (RFC 3550 §6.4.1 LSR/DLSR). */
  lastSr?: { ntpMiddle32: number; receivedAtMs: number };
}

/** A fresh SessionMedia. */
export function newSessionMedia(index: number): SessionMedia {
  return { index, sentPackets: 0, sentOctets: 0 };
}
