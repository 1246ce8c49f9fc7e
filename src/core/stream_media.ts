import type { SdpMedia } from "../wire/sdp/mod.ts";
import { clockRateOf, codecOf } from "../wire/sdp/mod.ts";
import { isH264RandomAccess, isH265RandomAccess } from "../wire/rtp/mod.ts";
import type { OutboundPacket } from "./outbound_packet.ts";
import type { ReaderSink, StreamMediaInfo } from "../server/mod.ts";
import { StreamSrtp } from "./stream_srtp.ts";
import type { MikeyMessage } from "../wire/mikey/mod.ts";
import type { Logger } from "../log/mod.ts";
import { splitterFor, UdpRepacketizer } from "./udp_repacketizer.ts";

/** Largest RTP packet sent to UDP readers when the stream is not told (MediaMTX's udpMaxPayloadSize default). */
const DEFAULT_UDP_MAX_PACKET_SIZE = 1452;

type RandomAccessTest = (payload: Uint8Array) => boolean;

/** Per-media state of a stream: identity for readers and the last packet seen. */
export class StreamMedia implements StreamMediaInfo {
  readonly media: SdpMedia;
  readonly ssrc: number;
  readonly clockRate: number;
  /** Codec name of the first format (`H264`, `MPEG4-GENERIC`, …) for logs. */
  readonly codec: string;
  readonly randomAccess: RandomAccessTest | undefined;
  /** Readers currently receiving this media's original packets (TCP); an array for a cheap hot loop. */
  sinks: ReaderSink[] = [];
  /** Plain UDP and multicast readers: they get the split copy when packets are too large. */
  udpSinks: ReaderSink[] = [];
  /** SRTP readers (any transport): they get the split copy, encrypted once per packet for all. */
  secureSinks: ReaderSink[] = [];
  /** UDP readers that take runs: the split copy's packets of one turn in one call (`writeRun`). */
  runSinks: ReaderSink[] = [];
  /** SRTP readers over UDP that take runs: the same, encrypted once per packet for all. */
  secureRunSinks: ReaderSink[] = [];
  /** This turn's packets of the split copy, for the run readers (handed out by `flushRun`). */
  #run: OutboundPacket[] = [];
  /** Makes the copy for UDP and SRTP readers. */
  readonly udp: UdpRepacketizer;
  /**
   * Highest packet index sent (ROC * 2^16 + SEQ, RFC 3711 §3.3.1): the one place where the
   * stream's rollover counter is counted. Every packet carries its index; the UDP copy and the
   * SRTP sender derive theirs from it.
   */
  highestIndex: number | undefined;
  lastTimestamp = 0;
  lastArrivalMs = 0;
  packets = 0;
  bytes = 0;
  /** Bytes handed to readers (each packet times the readers it went to). */
  outBytes = 0;
  #srtp: StreamSrtp | undefined;
  /** Set when a new publisher took over: the next packet fixes the offsets below. */
  rebase = false;
  /** Added to every incoming sequence number / timestamp so a new publisher continues the stream. */
  seqOffset = 0;
  tsOffset = 0;

  constructor(media: SdpMedia, options: { udpMaxPacketSize?: number; log?: Logger } = {}) {
    this.media = media;
    this.ssrc = randomSsrc();
    const pt = Number(media.formats[0] ?? "96");
    this.clockRate = clockRateOf(media, pt);
    this.codec = codecOf(media, pt);
    this.randomAccess = this.codec === "H264"
      ? isH264RandomAccess
      : this.codec === "H265"
      ? isH265RandomAccess
      : undefined;
    const log = options.log;
    const codec = this.codec || media.type;
    this.udp = new UdpRepacketizer(
      options.udpMaxPacketSize ?? DEFAULT_UDP_MAX_PACKET_SIZE,
      splitterFor(media, this.codec),
      pt,
      {
        // MediaMTX warns when it starts remuxing oversized packets, and when it has to drop them.
        splitting: (size, max) =>
          log?.warn(
            `${codec} RTP packets are too big for UDP (${size} > ${max}), splitting them for UDP readers`,
          ),
        unsplittable: (size, max) =>
          log?.warn(
            `${codec} RTP packets are too big for UDP (${size} > ${max}) and cannot be split: UDP readers do not get them`,
          ),
      },
    );
  }

  /** The media's SRTP sender, created when the first SAVP reader needs it. */
  get #sender(): StreamSrtp {
    return this.#srtp ??= new StreamSrtp(this.ssrc);
  }

  /** The SRTP form of a packet of this media (encrypted once at its own index, shared by all SAVP readers). */
  secure(packet: OutboundPacket): OutboundPacket {
    return this.#sender.secure(packet);
  }

  /**
   * Hot path: one packet of the UDP copy to its plain and SRTP readers. Returns true when it
   * joined this turn's run (the caller makes sure `flushRun` is called at the end of the turn).
   */
  deliverCopy(mediaIndex: number, packet: OutboundPacket): boolean {
    const udpSinks = this.udpSinks;
    const secureSinks = this.secureSinks;
    const runs = this.runSinks.length + this.secureRunSinks.length;
    this.outBytes += packet.byteLength * (udpSinks.length + secureSinks.length + runs);
    for (let i = 0; i < udpSinks.length; i++) udpSinks[i].writeRtp(mediaIndex, packet);
    if (secureSinks.length > 0) {
      const secured = this.#sender.secure(packet);
      for (let i = 0; i < secureSinks.length; i++) secureSinks[i].writeRtp(mediaIndex, secured);
    }
    if (runs === 0) return false;
    this.#run.push(packet);
    return true;
  }

  /** Hands this turn's run to the run readers: one call per reader, not one per packet. */
  flushRun(mediaIndex: number): void {
    const run = this.#run;
    if (run.length === 0) return;
    this.#run = [];
    const plain = this.runSinks;
    for (let i = 0; i < plain.length; i++) plain[i].writeRun!(mediaIndex, run);
    const secure = this.secureRunSinks;
    if (secure.length === 0) return;
    const secured = run.map((p) => this.#sender.secure(p));
    for (let i = 0; i < secure.length; i++) secure[i].writeRun!(mediaIndex, secured);
  }

  /** Drops this turn's run (the stream ended). */
  clearRun(): void {
    this.#run = [];
  }

  /** The MIKEY message announcing this media's SRTP key, SSRC and current ROC. */
  srtpMikey(): MikeyMessage {
    // SRTP readers get the UDP copy: its rollover counter, which splits may have moved ahead.
    const index = this.highestIndex === undefined ? 0 : this.udp.indexOf(this.highestIndex);
    return this.#sender.mikey(Math.floor(index / 0x10000));
  }

  /** SRTCP protection of the server's own report about this media. */
  encryptRtcp(packet: Uint8Array): Uint8Array {
    return this.#sender.encryptRtcp(packet);
  }

  /** The RTP time that corresponds to wall time `nowMs`, extrapolated from the last packet. */
  rtpTimeAt(nowMs: number): number | undefined {
    if (this.highestIndex === undefined) return undefined;
    return (this.lastTimestamp + Math.round(((nowMs - this.lastArrivalMs) * this.clockRate) / 1000)) >>> 0;
  }
}

/** A random non-zero 32-bit SSRC. */
function randomSsrc(): number {
  const v = crypto.getRandomValues(new Uint32Array(1))[0];
  return v === 0 ? 1 : v;
}
