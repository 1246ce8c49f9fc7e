import type { SdpMedia } from "../wire/sdp/mod.ts";
import {
  extendRtpSequenceNumber,
  parseRtpHeader,
  rtpSequenceNumber,
  rtpTimestamp,
  setRtpSequenceNumber,
  setRtpSsrc,
  setRtpTimestamp,
} from "../wire/rtp/mod.ts";
import { OutboundPacket } from "./outbound_packet.ts";
import type { ReaderDelivery, ReaderSink, RtpStart } from "../server/mod.ts";
import { GopCache } from "./gop_cache.ts";
import { BurstBuilder } from "./burst_builder.ts";
import { TurnEnd } from "./turn_end.ts";
import type { Clock } from "../time/mod.ts";
import type { Logger } from "../log/mod.ts";
import { StreamMedia } from "./stream_media.ts";

/** Settings of a stream. */
export interface StreamOptions {
  gopCache: boolean;
  /**
   * Largest RTP packet sent to UDP, multicast and SRTP readers (udpMaxPayloadSize, minus the
   * 10-byte SRTP tag when RTSPS runs); larger ones are split for them.
   */
  udpMaxPacketSize?: number;
  /** Where the stream warns about oversized packets (once per media). */
  log?: Logger;
  /**
   * How long packets wait to leave with the next ones (rtspFanOutHold): each TCP reader gets the
   * packets of that time in one write, each UDP reader in one sendmmsg; 0 = the end of the
   * event-loop turn (what one publisher read delivered).
   */
  holdMs?: number;
  /** Time for the hold; the system clock when omitted. */
  clock?: Clock;
}

/**
 * How a reader attaches to a stream: `udpCopy` (UDP, multicast) gets the copy split for
 * udpMaxPayloadSize; `secure` (SRTP) gets that copy encrypted, and no split GOP replay (it would
 * reuse SRTP indexes with other plaintext).
 */
export interface AttachOptions extends ReaderDelivery {
  /** `false` skips the cached GOP (a shared group must not get bursts of old packets). */
  replayGop?: boolean;
}

/**
 * One publisher's medias fanned out to many readers.
 *
 * Each packet is copied once into an OutboundPacket (SSRC rewritten to the stream's
 * own, framing headroom reserved, packet index assigned) and handed to every reader's sink,
 * which queues it without awaiting. The stream owns both forms of each packet: SRTP readers
 * get the encrypted one, made once per packet for all of them. A reader that cannot keep up
 * loses only its own packets.
 */
export class Stream {
  readonly medias: StreamMedia[];
  readonly title: string | undefined;
  readonly #gop: GopCache | undefined;
  /** Plain TCP readers of every media: one burst per turn instead of one call per packet. */
  readonly #burst: BurstBuilder;
  /** The end of the turn (or hold), when bursts and UDP runs leave. */
  readonly #turnEnd: TurnEnd;
  #closed = false;

  constructor(medias: SdpMedia[], title: string | undefined, options: StreamOptions) {
    this.medias = medias.map((m) => new StreamMedia(m, options));
    this.#turnEnd = new TurnEnd(this.#flushTurn, options.holdMs, options.clock);
    this.#burst = new BurstBuilder(medias.length, this.#turnEnd);
    this.title = title;
    const hasVideoKeyframes = this.medias.some((m) => m.randomAccess !== undefined);
    this.#gop = options.gopCache && hasVideoKeyframes ? new GopCache() : undefined;
  }

  /** Bytes received from the source, over all medias. */
  get inboundBytes(): number {
    let n = 0;
    for (const m of this.medias) n += m.bytes;
    return n;
  }

  /** Bytes handed to readers, over all medias. */
  get outboundBytes(): number {
    let n = 0;
    for (const m of this.medias) n += m.outBytes;
    return n;
  }

  /** Whether the stream has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Hot path: relays one RTP packet of media `mediaIndex` to every playing reader. */
  writeRtp(mediaIndex: number, data: Uint8Array): void {
    const m = this.medias[mediaIndex];
    if (m === undefined || this.#closed || data.length < 12) return;
    const now = performance.now();
    if (m.rebase) this.#rebase(m, data, now);
    const seq = (rtpSequenceNumber(data) + m.seqOffset) & 0xffff;
    const index = m.highestIndex === undefined ? seq : extendRtpSequenceNumber(m.highestIndex, seq);
    const packet = new OutboundPacket(data, index);
    const buf = packet.data;
    setRtpSsrc(buf, m.ssrc);
    if (m.seqOffset !== 0 || m.tsOffset !== 0) {
      setRtpSequenceNumber(buf, seq);
      setRtpTimestamp(buf, (rtpTimestamp(buf) + m.tsOffset) >>> 0);
    }
    if (m.highestIndex === undefined || index > m.highestIndex) m.highestIndex = index;
    m.lastTimestamp = rtpTimestamp(buf);
    m.lastArrivalMs = now;
    m.packets++;
    m.bytes += buf.length;
    if (this.#gop !== undefined) this.#cache(mediaIndex, m, packet);
    const sinks = m.sinks;
    const burst = this.#burst;
    m.outBytes += buf.length * (sinks.length + burst.sinks.length);
    for (let i = 0; i < sinks.length; i++) sinks[i].writeRtp(mediaIndex, packet);
    if (burst.sinks.length > 0) burst.add(mediaIndex, packet);
    if (
      m.udpSinks.length === 0 && m.secureSinks.length === 0 && m.runSinks.length === 0 &&
      m.secureRunSinks.length === 0
    ) return;
    // Once per packet for all UDP and SRTP readers: the packet itself, unless some packet had to be split.
    const out = m.udp.convert(packet);
    if (out === undefined) return;
    let run: boolean;
    if (!Array.isArray(out)) run = m.deliverCopy(mediaIndex, out);
    else {
      run = false;
      for (const p of out) run = m.deliverCopy(mediaIndex, p);
    }
    if (run) this.#turnEnd.arm();
  }

  /** End of the turn (or hold): the TCP burst, and each media's run of the UDP copy, to their readers. */
  readonly #flushTurn = () => {
    this.#burst.flush();
    for (let i = 0; i < this.medias.length; i++) this.medias[i].flushRun(i);
  };

  /** Offsets that make the first packet of a new publisher follow the last one readers got. */
  #rebase(m: StreamMedia, data: Uint8Array, now: number): void {
    m.rebase = false;
    const nextTs = m.rtpTimeAt(now);
    if (m.highestIndex === undefined || nextTs === undefined) return;
    m.seqOffset = (m.highestIndex + 1 - rtpSequenceNumber(data)) & 0xffff;
    m.tsOffset = (nextTs - rtpTimestamp(data)) >>> 0;
  }

  /**
   * Whether a new publisher's medias can continue this stream without readers noticing:
   * same medias, payload types, codecs and parameters (readers keep their decoder setup).
   */
  isCompatible(medias: readonly SdpMedia[]): boolean {
    if (medias.length !== this.medias.length) return false;
    return medias.every((n, i) => {
      const o = this.medias[i].media;
      const fmtpOf = (m: SdpMedia) =>
        m.attributes.filter((a) => /^(rtpmap|fmtp)$/i.test(a.key)).map((a) => a.value).join("|");
      return n.type === o.type && n.formats.join(" ") === o.formats.join(" ") && fmtpOf(n) === fmtpOf(o);
    });
  }

  /** A new publisher takes over: its packets are rebased to continue sequence numbers and time. */
  replaceSource(): void {
    for (const m of this.medias) m.rebase = true;
    this.#gop?.clear(); // the cached GOP belongs to the old source
  }

  #cache(mediaIndex: number, m: StreamMedia, packet: OutboundPacket): void {
    let ra = false;
    if (m.randomAccess !== undefined) {
      try {
        const h = parseRtpHeader(packet.data);
        ra = m.randomAccess(packet.data.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength));
      } catch {
        return; // not valid RTP: relayed, not cached
      }
    }
    this.#gop!.add(mediaIndex, packet, ra, m.lastTimestamp);
  }

  /**
   * Starts delivering `mediaIndexes` to `sink`: first the cached GOP (so decoding can
   * start at once), then live packets. Returns each media's first seq/rtptime. UDP readers
   * get the copy of the stream split for udpMaxPayloadSize, numbered on its own.
   */
  attach(
    sink: ReaderSink,
    mediaIndexes: readonly number[],
    options: AttachOptions = {},
  ): (RtpStart | undefined)[] {
    const wanted = new Set(mediaIndexes);
    const secure = options.secure === true;
    const udp = secure || options.udpCopy === true;
    const now = performance.now();
    const starts: (RtpStart | undefined)[] = this.medias.map((m) => {
      if (m.highestIndex === undefined) return undefined;
      const next = m.highestIndex + 1;
      return { seq: (udp ? m.udp.indexOf(next) : next) & 0xffff, rtptime: m.rtpTimeAt(now)! };
    });
    const cached = options.replayGop === false ? [] : this.#gop?.packets ?? [];
    // UDP readers of a media whose copy differs get that media's cached packets split and renumbered.
    const replays = new Map<number, OutboundPacket[]>();
    if (udp && cached.length > 0) {
      for (const i of wanted) {
        const m = this.medias[i];
        if (m === undefined || m.highestIndex === undefined) continue;
        const own = cached.filter((c) => c.mediaIndex === i).map((c) => c.packet);
        const copy = own.length > 0 ? m.udp.replay(own, m.udp.indexOf(m.highestIndex + 1)) : undefined;
        if (copy !== undefined) replays.set(i, secure ? [] : copy);
      }
    }
    const firstCached = new Set<number>();
    const send = (mediaIndex: number, packet: OutboundPacket) => {
      if (!firstCached.has(mediaIndex)) {
        firstCached.add(mediaIndex);
        starts[mediaIndex] = { seq: rtpSequenceNumber(packet.data), rtptime: rtpTimestamp(packet.data) };
      }
      // Cached packets keep the index they were sent with: their SRTP form is the one live readers got.
      sink.writeRtp(mediaIndex, secure ? this.medias[mediaIndex].secure(packet) : packet);
    };
    for (const { mediaIndex, packet } of cached) {
      if (wanted.has(mediaIndex) && !replays.has(mediaIndex)) send(mediaIndex, packet);
    }
    for (const [mediaIndex, packets] of replays) for (const p of packets) send(mediaIndex, p);
    const bursts = options.bursts === true && !udp && sink.writeBurst !== undefined &&
      this.medias.every((_, i) => wanted.has(i));
    if (bursts) {
      // Live packets from the next burst on: the pending one holds packets the GOP replay just sent.
      this.#burst.flush();
      this.#burst.sinks = added(this.#burst.sinks, sink);
      return starts;
    }
    const runs = options.bursts === true && udp && sink.writeRun !== undefined;
    for (const i of wanted) {
      const m = this.medias[i];
      if (m === undefined) continue;
      if (runs) {
        // Live packets from the next run on: the pending one holds packets the GOP replay just sent.
        m.flushRun(i);
        if (secure) m.secureRunSinks = added(m.secureRunSinks, sink);
        else m.runSinks = added(m.runSinks, sink);
      } else if (secure) m.secureSinks = added(m.secureSinks, sink);
      else if (udp) m.udpSinks = added(m.udpSinks, sink);
      else m.sinks = added(m.sinks, sink);
    }
    return starts;
  }

  /** Stops delivering anything to `sink`. */
  detach(sink: ReaderSink): void {
    this.#burst.sinks = removed(this.#burst.sinks, sink);
    for (const m of this.medias) {
      m.sinks = removed(m.sinks, sink);
      m.udpSinks = removed(m.udpSinks, sink);
      m.secureSinks = removed(m.secureSinks, sink);
      m.runSinks = removed(m.runSinks, sink);
      m.secureRunSinks = removed(m.secureRunSinks, sink);
    }
  }

  /** Ends the stream and detaches every reader (the path tells them why). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const m of this.medias) {
      m.sinks = [];
      m.udpSinks = [];
      m.secureSinks = [];
      m.runSinks = [];
      m.secureRunSinks = [];
      m.clearRun();
    }
    this.#burst.clear();
    this.#gop?.clear();
  }
}

/**
 * `list` with `sink` added. Sink lists are replaced, never mutated, so a hot loop that is
 * iterating the old array when a reader joins or leaves is not disturbed.
 */
function added(list: ReaderSink[], sink: ReaderSink): ReaderSink[] {
  return list.includes(sink) ? list : [...list, sink];
}

/** `list` without `sink` (the same array when it was not there). */
function removed(list: ReaderSink[], sink: ReaderSink): ReaderSink[] {
  return list.includes(sink) ? list.filter((s) => s !== sink) : list;
}
