/**
 * One set-up media of a client session: its control URL, its transport (interleaved channels or
 * a UDP pair) and, for UDP playback, the reception statistics behind its Receiver Reports.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { ntpMiddle32 } from "../wire/mod.ts";
import { buildCompound, buildReceiverReport, buildSdesCname, parseRtcpCompound } from "../wire/rtcp/mod.ts";
import { rtpSequenceNumber, rtpSsrc, rtpTimestamp } from "../wire/rtp/mod.ts";
import { type LastSenderReport, RtpReceiverStats } from "../wire/rtp/mod.ts";
import { clockRateOf, payloadTypes } from "../wire/sdp/mod.ts";
import type { SdpMedia } from "../wire/sdp/mod.ts";
import type { ClientUdpPair } from "./client_transport.ts";

/** CNAME in our RTCP packets (RFC 3550 §6.5.1 requires SDES CNAME in every compound packet). */
const CNAME = "deno-rtsp-client";

/** A media after a successful SETUP. */
export class ClientMedia {
  /** Index of the media in the SDP. */
  readonly index: number;
  /** Request URL of the media (SETUP target). */
  readonly url: string;
  /** Interleaved RTP/RTCP channels (TCP). */
  readonly channels: readonly [number, number] | undefined;
  /** Socket pair (UDP). */
  readonly udp: ClientUdpPair | undefined;
  /** Our SSRC for RTCP (random, RFC 3550 §8.1). */
  readonly localSsrc: number;
  readonly #clockRate: number;
  #stats: RtpReceiverStats | undefined;
  #remoteSsrc: number | undefined;
  #lastSr: LastSenderReport | undefined;
  /** Datagrams received since SETUP (the automatic transport's "no packets within 3 s" check). */
  udpPackets = 0;

  constructor(
    index: number,
    media: SdpMedia,
    url: string,
    transport: { channels: readonly [number, number] } | { udp: ClientUdpPair },
  ) {
    this.index = index;
    this.url = url;
    this.channels = "channels" in transport ? transport.channels : undefined;
    this.udp = "udp" in transport ? transport.udp : undefined;
    this.localSsrc = randomBytes(4).readUInt32BE(0) || 1;
    const pt = payloadTypes(media)[0];
    this.#clockRate = pt === undefined ? 90000 : clockRateOf(media, pt);
  }

  /** Accounts one received RTP packet (UDP only; RFC 3550 §A.1, §A.8). Hot path: no allocation. */
  countRtp(packet: Uint8Array): void {
    this.udpPackets++;
    if (packet.length < 12) return; // NAT-punch packets (gortsplib's NAT punch) carry no header worth counting
    const ssrc = rtpSsrc(packet);
    if (ssrc !== this.#remoteSsrc || this.#stats === undefined) {
      // A new sender (publisher replaced upstream) restarts the statistics.
      this.#remoteSsrc = ssrc;
      this.#stats = new RtpReceiverStats();
      this.#lastSr = undefined;
    }
    const arrival = Math.round((performance.now() * this.#clockRate) / 1000) >>> 0;
    this.#stats.update(rtpSequenceNumber(packet), rtpTimestamp(packet), arrival);
  }

  /** Accounts one received RTCP packet: keeps the last Sender Report for LSR/DLSR (RFC 3550 §6.4.1). */
  countRtcp(packet: Uint8Array): void {
    this.udpPackets++;
    let packets;
    try {
      packets = parseRtcpCompound(packet);
    } catch {
      return; // a malformed report only loses its own information
    }
    for (const p of packets) {
      if (p.type === "sr" && (this.#remoteSsrc === undefined || p.sr.ssrc === this.#remoteSsrc)) {
        this.#lastSr = { ntpMiddle32: ntpMiddle32(p.sr.ntpTime), receivedAtMs: Date.now() };
      }
    }
  }

  /** RR + SDES for the sender, or an empty RR before any packet (RFC 3550 §6.4.2). */
  receiverReport(): Uint8Array {
    const reports = this.#stats?.valid && this.#remoteSsrc !== undefined
      ? [this.#stats.takeReportBlock(this.#remoteSsrc, this.#lastSr)]
      : [];
    return buildCompound(
      buildReceiverReport({ ssrc: this.localSsrc, reports }),
      buildSdesCname(this.localSsrc, CNAME),
    );
  }
}

/** An RTP packet with no payload, sent to the server's RTP port to open NAT mappings (gortsplib's client). */
export function natPunchRtp(ssrc: number): Uint8Array {
  const p = new Uint8Array(12);
  p[0] = 0x80; // V=2
  p[1] = 96; // dynamic payload type, never decoded
  new DataView(p.buffer).setUint32(8, ssrc);
  return p;
}
