import type { NetAddr } from "../transport/byte_stream.ts";
import { formatNetAddr } from "../transport/byte_stream.ts";
import type { StreamWriter } from "../transport/stream_writer.ts";
import type { UdpChannel } from "../transport/udp_pair.ts";
import type { SdpMedia } from "../wire/sdp/mod.ts";
import { formatInterleaved } from "../wire/rtsp/format.ts";
import { buildCompound, buildReceiverReport, buildSdesCname, parseRtcpCompound } from "../wire/rtcp/mod.ts";
import { RtpReceiverStats, rtpSequenceNumber, rtpSsrc, rtpTimestamp } from "../wire/rtp/mod.ts";
import { ntpMiddle32 } from "../wire/ntp.ts";
import { RTCP_CNAME, senderReportFor } from "./rtcp_reports.ts";
import type { Logger } from "../log/logger.ts";
import type {
  FanOutPacket,
  PublisherEvents,
  PublisherHandle,
  ReaderHandle,
  ReaderSink,
  StreamPublisher,
} from "./stream_port.ts";
import type { ServerContext } from "./server_context.ts";
import type { SessionMedia } from "./session_media.ts";
import type { MulticastMember, MulticastSender } from "./multicast_sender.ts";
import { inboundRtpError, InboundRtpErrors } from "./inbound_rtp.ts";
import { SessionCounters } from "./session_counters.ts";

/** RTSP session states (RFC 2326 appendix A.2, as MediaMTX names them). */
export type SessionState = "initial" | "prePlay" | "play" | "preRecord" | "record";

/** Lower transport of every media of a session. */
export type SessionTransport = "udp" | "multicast" | "tcp";

/** The part of a connection a session uses. */
export interface SessionConn {
  readonly remote: NetAddr;
  readonly writer: StreamWriter;
  close(reason: string): void;
}

const DROP_LOG_INTERVAL_MS = 1000;

/**
 * One RTSP session: its state, the medias it set up, and the path it reads from or
 * publishes to. As a ReaderSink it receives the stream's packets (hot path) and queues
 * them without awaiting; as a publisher it feeds received packets into the stream.
 */
export class ServerSession implements ReaderSink, PublisherEvents, MulticastMember {
  readonly id: string;
  /** UUID of the session, as MediaMTX's API and hooks (`MTX_READER_ID`, `MTX_SOURCE_ID`) show it. */
  readonly uuid: string = crypto.randomUUID();
  readonly log: Logger;
  readonly remoteHost: string;
  /** Address of the connection that created the session (the API's `remoteAddr`). */
  readonly remote: NetAddr;
  readonly #ctx: ServerContext;
  state: SessionState = "initial";
  transport: SessionTransport | undefined;
  /** RTP/SAVP: media travel as SRTP/SRTCP (RTSPS only). */
  secure = false;
  path: string | undefined;
  query = "";
  /** Set-up medias by media index. */
  readonly medias = new Map<number, SessionMedia>();
  reader: ReaderHandle | undefined;
  publisher: PublisherHandle | undefined;
  announced: { medias: SdpMedia[]; url: string } | undefined;
  readonly conns = new Set<SessionConn>();
  /** TCP transport: the connection that carries the interleaved packets. */
  tcpConn: SessionConn | undefined;
  /** Multicast transport: the stream's group sender, shared with other readers. */
  multicast: MulticastSender | undefined;
  /** When the session was created (epoch ms, sub-millisecond). */
  readonly createdMs = performance.timeOrigin + performance.now();
  /** The authenticated user ("" anonymous) and the client's User-Agent, set at ANNOUNCE or first SETUP. */
  user = "";
  userAgent = "";
  /** Traffic counters for the API and metrics. */
  readonly counters = new SessionCounters();
  /** Receiver reports this reader sent (RTCP over UDP, TCP or to the multicast group). */
  receiverReports = 0;
  lastActivityMs: number;
  #closed = false;
  #byIndex: (SessionMedia | undefined)[] = [];
  #byChannel = new Map<number, SessionMedia>();
  #unregister: (() => void)[] = [];
  #publisherInput: StreamPublisher | undefined;
  #deferred: [number, FanOutPacket][] | undefined;
  #udpInFlight = 0;
  #dropped = 0;
  #droppedLogged = 0;
  #lastDropLogMs = -Infinity;
  #lastReportMs = 0;
  #badPackets = 0;
  #lastBadLogMs = -Infinity;
  /** Publisher packets dropped as invalid (not RTP, unknown payload type). */
  readonly rtpErrors: InboundRtpErrors;
  /** SSRC of the server's own receiver reports to a publisher. */
  readonly ownSsrc = crypto.getRandomValues(new Uint32Array(1))[0];

  constructor(ctx: ServerContext, creator: SessionConn) {
    this.#ctx = ctx;
    this.lastActivityMs = ctx.clock.now();
    this.id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0"))
      .join("");
    this.remoteHost = creator.remote.hostname;
    this.remote = creator.remote;
    this.conns.add(creator);
    this.log = ctx.log.with(`[session ${this.logId}]`);
    this.rtpErrors = new InboundRtpErrors(this.log);
    ctx.sessions.set(this.id, this);
    this.log.info(`created by ${formatNetAddr(creator.remote)}`);
  }

  /** The log tag: the first 8 hex digits of `uuid` (never a piece of the secret `id`). */
  get logId(): string {
    return this.uuid.slice(0, 8);
  }

  /** Whether the session has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Packets dropped because this reader was too slow. */
  get droppedPackets(): number {
    return this.#dropped;
  }

  /** Records who opened the session (ANNOUNCE or the first SETUP, after authentication). */
  identify(user: string, userAgent: string): void {
    this.user = user;
    this.userAgent = userAgent;
  }

  /** Marks activity (an RTSP request or RTCP): keeps UDP sessions alive. */
  touch(): void {
    this.lastActivityMs = this.#ctx.clock.now();
  }

  /** Records how a media was set up and indexes it for routing. */
  addMedia(m: SessionMedia): void {
    this.medias.set(m.index, m);
    this.#byIndex[m.index] = m;
    if (m.channels !== undefined) {
      this.#byChannel.set(m.channels[0], m);
      this.#byChannel.set(m.channels[1], m);
    }
    if (this.transport === "udp" && this.#ctx.udp !== undefined) {
      for (const addr of [m.clientRtp, m.clientRtcp]) {
        if (addr === undefined) continue;
        this.#unregister.push(this.#ctx.udp.register(addr, (ch, data) => this.#onUdp(m, ch, data)));
      }
    }
  }

  /** Interleaved channels already in use by this session. */
  usesChannel(channel: number): boolean {
    return this.#byChannel.has(channel);
  }

  // ---- reading -------------------------------------------------------------------

  /** PLAY: starts delivery; packets are held until `releasePlay` (after the response is queued). */
  startPlay(): ({ seq: number; rtptime: number } | undefined)[] {
    this.state = "play";
    if (this.multicast !== undefined) {
      // The group sender carries the packets; the reader only registers to be told when the stream ends.
      const starts = this.reader!.play(this, []);
      this.multicast.activate();
      return starts;
    }
    this.#deferred = [];
    // UDP readers get the copy of the stream split for udpMaxPayloadSize, TCP readers the original.
    // SRTP readers all get the copy, over TCP too: one numbering per stream key, so that no SRTP
    // index ever carries two different packets (RFC 3711 §9.1: a reused keystream leaks plaintext).
    return this.reader!.play(this, [...this.medias.keys()], {
      udpCopy: this.transport === "udp" || this.secure,
      secure: this.secure,
    });
  }

  /** MulticastMember: this reader's host sent RTCP to the group. */
  onGroupRtcp(receiverReports: number): void {
    this.touch();
    this.receiverReports += receiverReports;
  }

  /** Sends what arrived between PLAY and its response, then goes live. */
  releasePlay(): void {
    const held = this.#deferred ?? [];
    this.#deferred = undefined;
    // The held packets are the cached GOP (bounded by the cache itself): they bypass the
    // per-reader queue bound, which a 4 Mbit/s GOP (~700 packets) would otherwise overflow.
    for (const [i, p] of held) this.#write(i, p, true);
    this.#scheduleFirstReport();
  }

  /** The first RTCP report goes out about a second after PLAY/RECORD, then every interval. */
  #scheduleFirstReport(): void {
    this.#lastReportMs = this.#ctx.clock.now() - this.#ctx.rtcpReportIntervalMs + 1000;
  }

  /** Hot path (ReaderSink): queue one packet for this reader, or count a drop. */
  writeRtp(mediaIndex: number, packet: FanOutPacket): void {
    if (this.#deferred !== undefined) {
      this.#deferred.push([mediaIndex, packet]);
      return;
    }
    this.#write(mediaIndex, packet, false);
  }

  #write(mediaIndex: number, packet: FanOutPacket, force: boolean): void {
    const m = this.#byIndex[mediaIndex];
    if (m === undefined) return;
    let ok: boolean;
    if (this.transport === "tcp") {
      ok = this.tcpConn !== undefined && this.tcpConn.writer.enqueue(packet.framed(m.channels![0]), force);
    } else {
      ok = this.#sendUdp("rtp", packet.data, m.clientRtp!, force);
    }
    if (ok) {
      m.sentPackets++;
      m.sentOctets += packet.byteLength - 12;
      this.counters.outBytes += packet.byteLength;
    } else {
      this.#countDrop();
    }
  }

  #sendUdp(channel: UdpChannel, data: Uint8Array, to: NetAddr, force = false): boolean {
    if (!force && this.#udpInFlight >= this.#ctx.options.writeQueueSize) return false;
    // Batched (undefined): leaves with every other reader's copy in one sendmmsg at the end of
    // this turn, no promise per packet. Otherwise an ordinary send, counted in flight.
    const pending = this.#ctx.udp!.sendBatched(channel, data, to, this.#udpError);
    if (pending !== undefined) {
      this.#udpInFlight++;
      pending.then(this.#udpSent, this.#udpFailed);
    }
    return true;
  }

  #udpSent = () => {
    this.#udpInFlight--;
  };

  #udpFailed = (e: unknown) => {
    this.#udpInFlight--;
    this.#udpError(e);
  };

  #udpError = (e: unknown) => {
    if (!this.#closed) this.close(`UDP write failed: ${(e as Error).message}`);
  };

  #countDrop(): void {
    this.#dropped++;
    const now = this.#ctx.clock.now();
    if (now - this.#lastDropLogMs >= DROP_LOG_INTERVAL_MS) {
      this.log.warn(`reader is too slow, discarding ${this.#dropped - this.#droppedLogged} packets`);
      this.#droppedLogged = this.#dropped;
      this.#lastDropLogMs = now;
    }
  }

  /** ReaderSink: the path ended this reader. */
  closeByPath(reason: string): void {
    this.close(reason);
  }

  // ---- publishing ----------------------------------------------------------------

  /**
   * RECORD: packets now flow into the stream. Returns true when this resumes a paused
   * publisher, whose stream (and readers) carry on.
   */
  resumeRecord(): boolean {
    const resumed = this.#publisherInput !== undefined;
    this.#publisherInput ??= this.publisher!.start();
    this.state = "record";
    this.lastActivityMs = this.#ctx.clock.now();
    if (!resumed) this.#scheduleFirstReport();
    // Loss and jitter are tracked on every transport (API counters); reports go out on UDP only.
    for (const m of this.medias.values()) m.receiver ??= new RtpReceiverStats();
    return resumed;
  }

  /** An interleaved frame for this session (TCP transport). */
  onInterleaved(channel: number, payload: Uint8Array): void {
    const m = this.#byChannel.get(channel);
    if (m === undefined) return;
    this.lastActivityMs = this.#ctx.clock.now();
    if (channel === m.channels![0]) {
      if (this.state === "record") this.#ingest(m, payload);
    } else {
      this.#onRtcp(m, payload);
    }
  }

  #onUdp(m: SessionMedia, channel: UdpChannel, data: Uint8Array): void {
    this.lastActivityMs = this.#ctx.clock.now();
    if (channel === "rtcp") {
      this.#onRtcp(m, data);
      return;
    }
    if (this.state === "record") this.#ingest(m, data);
  }

  /** A publisher's RTP packet: decrypted when SAVP, counted for receiver reports, into the stream. */
  #ingest(m: SessionMedia, data: Uint8Array): void {
    if (this.#publisherInput === undefined) return;
    this.counters.inBytes += data.length;
    if (m.srtpIn !== undefined) {
      try {
        data = m.srtpIn.decryptRtp(data);
      } catch (e) {
        this.counters.inRtpUndecryptable++;
        this.#countBadPacket(e);
        return;
      }
    }
    if (m.payloadTypes !== undefined) {
      const error = inboundRtpError(data, m.payloadTypes);
      if (error !== undefined) {
        this.rtpErrors.add(error);
        return;
      }
    } else if (data.length < 12) {
      this.counters.inRtpUndecryptable++;
      return;
    }
    this.counters.inRtpPackets++;
    if (m.receiver !== undefined) {
      m.remoteSsrc = rtpSsrc(data);
      const arrival = Math.round((performance.now() * (m.clockRate ?? 90000)) / 1000) >>> 0;
      m.receiver.update(rtpSequenceNumber(data), rtpTimestamp(data), arrival);
    }
    this.#publisherInput.writeRtp(m.index, data);
  }

  /** Undecryptable or replayed packets are dropped; logged at most once a second. */
  #countBadPacket(e: unknown): void {
    this.#badPackets++;
    const now = this.#ctx.clock.now();
    if (now - this.#lastBadLogMs >= DROP_LOG_INTERVAL_MS) {
      this.log.warn(`discarding ${this.#badPackets} undecryptable packets: ${(e as Error).message}`);
      this.#badPackets = 0;
      this.#lastBadLogMs = now;
    }
  }

  #onRtcp(m: SessionMedia, data: Uint8Array): void {
    this.counters.inBytes += data.length;
    let packets;
    try {
      if (m.srtpIn !== undefined) data = m.srtpIn.decryptRtcp(data);
      packets = parseRtcpCompound(data);
    } catch {
      this.counters.inRtcpErrors++;
      return; // malformed RTCP only loses its own information
    }
    this.counters.inRtcpPackets += packets.length;
    for (const p of packets) {
      if (p.type === "sr") m.lastSr = { ntpMiddle32: ntpMiddle32(p.sr.ntpTime), receivedAtMs: Date.now() };
      else if (p.type === "rr") {
        this.receiverReports += p.rr.reports.length;
        for (const block of p.rr.reports) this.counters.reportedLost.set(block.ssrc, block.cumulativeLost);
      }
    }
  }

  // ---- lifecycle -----------------------------------------------------------------

  /** Called every second by the server: timeouts and RTCP reports. */
  tick(now: number): void {
    if (this.#closed) return;
    const o = this.#ctx.options;
    if (this.transport === "udp" || this.transport === "multicast") {
      if (this.state === "record" && now - this.lastActivityMs > o.readTimeoutMs) {
        this.close("no UDP packets received recently (maybe there's a firewall/NAT in between)");
        return;
      }
      if (this.state === "play" && now - this.lastActivityMs > o.sessionTimeoutMs) {
        this.close("session timed out");
        return;
      }
    }
    const interval = this.#ctx.rtcpReportIntervalMs;
    if (now - this.#lastReportMs < interval) return;
    if (this.state === "play" && this.#deferred === undefined) {
      this.#lastReportMs = now;
      this.#sendSenderReports();
    } else if (this.state === "record" && this.transport === "udp") {
      this.#lastReportMs = now;
      this.#sendReceiverReports();
    }
  }

  #sendSenderReports(): void {
    const medias = this.reader?.medias;
    if (medias === undefined || this.transport === "multicast") return; // the group sender reports
    for (const m of this.medias.values()) {
      const sr = senderReportFor(medias[m.index], m.sentPackets, m.sentOctets);
      if (sr !== undefined) this.#sendRtcp(m, sr);
    }
  }

  #sendReceiverReports(): void {
    for (const m of this.medias.values()) {
      if (m.receiver === undefined || m.remoteSsrc === undefined) continue;
      const block = m.receiver.takeReportBlock(m.remoteSsrc, m.lastSr, Date.now());
      const rr = buildCompound(
        buildReceiverReport({ ssrc: this.ownSsrc, reports: [block] }),
        buildSdesCname(this.ownSsrc, RTCP_CNAME),
      );
      this.#sendRtcp(m, rr);
    }
  }

  #sendRtcp(m: SessionMedia, packet: Uint8Array): void {
    if (this.secure) {
      packet = m.srtpOut !== undefined
        ? m.srtpOut.encryptRtcp(packet)
        : this.reader!.medias[m.index].encryptRtcp(packet);
    }
    this.counters.outRtcpPackets++;
    this.counters.outBytes += packet.length;
    if (this.transport === "tcp") {
      this.tcpConn?.writer.enqueue(formatInterleaved(m.channels![1], packet));
    } else if (m.clientRtcp !== undefined) {
      this.#sendUdp("rtcp", packet, m.clientRtcp);
    }
  }

  /** A connection that used this session closed. */
  onConnClosed(conn: SessionConn): void {
    this.conns.delete(conn);
    if (this.tcpConn === conn) {
      this.close("the connection carrying the session closed");
      return;
    }
    // RFC 2326 lets UDP sessions outlive their control connection (MediaMTX does too);
    // anything else without a connection is useless.
    const survives = (this.transport === "udp" || this.transport === "multicast") &&
      (this.state === "play" || this.state === "record");
    if (this.conns.size === 0 && !survives) this.close("not in use");
  }

  /** Ends the session: detaches from the path, frees UDP routes, closes other connections. */
  close(reason: string, except?: SessionConn): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ctx.sessions.delete(this.id);
    for (const u of this.#unregister) u();
    this.#unregister = [];
    this.reader?.remove();
    this.multicast?.release(this);
    this.publisher?.remove();
    this.#publisherInput = undefined;
    this.#deferred = undefined;
    this.log.info(`destroyed: ${reason}`);
    for (const c of this.conns) {
      if (c !== except) c.close(`session ${this.logId} destroyed: ${reason}`);
    }
    this.conns.clear();
  }
}
