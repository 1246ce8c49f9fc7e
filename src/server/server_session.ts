import type { NetAddr } from "../transport/mod.ts";
import { formatNetAddr } from "../transport/mod.ts";
import type { UdpChannel } from "../transport/mod.ts";
import type { SdpMedia } from "../wire/sdp/mod.ts";
import { RtspError } from "../wire/rtsp/mod.ts";
import { RtpReceiverStats } from "../wire/rtp/mod.ts";
import { sendReceiverReports, sendSenderReports } from "./rtcp_reports.ts";
import { SessionInbound } from "./session_inbound.ts";
import type { Logger } from "../log/mod.ts";
import type {
  FanOutBurst,
  FanOutPacket,
  PublisherEvents,
  PublisherHandle,
  ReaderHandle,
  ReaderSink,
} from "./stream_port.ts";
import type { ServerContext } from "./server_context.ts";
import { SessionOutbound } from "./session_outbound.ts";
import type { SessionMedia } from "./session_media.ts";
import type { MulticastMember } from "./multicast_sender.ts";
import type { InboundRtpErrors } from "./inbound_rtp.ts";
import { ReaderDrops, SessionCounters } from "./session_counters.ts";
import { MulticastDelivery, openDelivery, TcpDelivery } from "./delivery.ts";
import type { Delivery, SessionConn, SessionTransport } from "./delivery.ts";
import { checkTransition } from "./session_phase.ts";
import type {
  CarrierConn,
  PlayStarted,
  RecordStarted,
  SessionMethod,
  SessionPhase,
  SessionState,
} from "./session_phase.ts";

export type { CarrierConn, PlayStarted, RecordStarted, SessionState } from "./session_phase.ts";
export type { SessionConn, SessionTransport } from "./delivery.ts";

/**
 * One RTSP session. It owns its state machine: the phase (a discriminated union carrying only
 * the fields of its state) changes only through the intent methods below, each checked against
 * TRANSITIONS. As a ReaderSink it receives the stream's packets (hot path) and queues them
 * through its Delivery without awaiting; as a publisher it feeds received packets into the stream.
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
  #phase: SessionPhase = { state: "initial" };
  /** Set-up medias by media index. */
  readonly medias = new Map<number, SessionMedia>();
  readonly conns = new Set<SessionConn>();
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
  readonly #byIndex: (SessionMedia | undefined)[] = [];
  readonly #drops: ReaderDrops;
  /** The reading side's hot path (packets, bursts, runs to the delivery). */
  readonly #out: SessionOutbound;
  #lastReportMs = 0;
  readonly #inbound: SessionInbound;
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
    this.#inbound = new SessionInbound(this.counters, this.log, ctx.clock);
    this.#drops = new ReaderDrops(this.log, ctx.clock);
    this.#out = new SessionOutbound({
      playingDelivery: () => {
        const p = this.#phase;
        return p.state === "play" || p.state === "prePlay" ? p.delivery : undefined;
      },
      byIndex: this.#byIndex,
      counters: this.counters,
      drops: this.#drops,
    });
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

  /** Publisher packets dropped as invalid (not RTP, unknown payload type). */
  get rtpErrors(): InboundRtpErrors {
    return this.#inbound.rtpErrors;
  }

  /** Packets dropped because this reader was too slow. */
  get droppedPackets(): number {
    return this.#drops.total;
  }

  // ---- read-only views of the phase (logs, API, metrics) ------------------------

  /** The state, with MediaMTX's names. */
  get state(): SessionState {
    return this.#phase.state;
  }

  /** How packets travel, chosen at the first SETUP. */
  get delivery(): Delivery | undefined {
    return this.#phase.state === "initial" ? undefined : this.#phase.delivery;
  }

  /** Lower transport of every media (undefined before the first SETUP). */
  get transport(): SessionTransport | undefined {
    return this.delivery?.transport;
  }

  /** RTP/SAVP: media travel as SRTP/SRTCP (RTSPS only). */
  get secure(): boolean {
    return this.delivery?.secure ?? false;
  }

  /** The path read from or published to. */
  get path(): string | undefined {
    return this.#phase.state === "initial" ? undefined : this.#phase.path;
  }

  /** The query of the request that named the path. */
  get query(): string {
    return this.#phase.state === "initial" ? "" : this.#phase.query;
  }

  /** The reader handle of a reading session. */
  get reader(): ReaderHandle | undefined {
    const p = this.#phase;
    return p.state === "prePlay" || p.state === "play" ? p.reader : undefined;
  }

  /** What a publishing session announced. */
  get announced(): { readonly medias: readonly SdpMedia[]; readonly url: string } | undefined {
    const p = this.#phase;
    return p.state === "preRecord" || p.state === "record" ? p.announced : undefined;
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

  /** Throws the table's RtspError when `method` is not valid in the current state. */
  expect(method: SessionMethod): void {
    checkTransition(method, this.#phase.state);
  }

  // ---- intent methods: the only places the phase changes ------------------------

  /** ANNOUNCE: the session will publish `announced` to `path`. */
  announce(
    publisher: PublisherHandle,
    announced: { medias: SdpMedia[]; url: string },
    path: string,
    query: string,
  ) {
    checkTransition("ANNOUNCE", this.#phase.state);
    this.#phase = { state: "preRecord", publisher, announced, path, query };
  }

  /** The delivery of the first SETUP (multicast: the stream's group sender, held; 503 when exhausted). */
  newDelivery(transport: SessionTransport, secure: boolean, reader?: ReaderHandle): Promise<Delivery> {
    return openDelivery(this.#ctx, { transport, secure, reader, member: this, onError: this.#udpError });
  }

  /** SETUP of a reader: the first one makes the session read `path`; each adds one media. */
  setupReader(
    fields: { reader: ReaderHandle; delivery: Delivery; path: string; query: string },
    m: SessionMedia,
  ) {
    const p = this.#phase;
    checkTransition("SETUP", p.state);
    if (p.state !== "initial" && p.state !== "prePlay") throw new RtspError(400, "the session records");
    if (p.state === "initial") this.#phase = { state: "prePlay", ...fields };
    this.#addMedia(fields.delivery, m);
  }

  /** SETUP of an announced media of a publisher; the first one chooses the delivery. */
  setupPublisherMedia(delivery: Delivery, m: SessionMedia): void {
    const p = this.#phase;
    checkTransition("SETUP", p.state);
    if (p.state !== "preRecord") throw new RtspError(400, "the session reads");
    if (p.delivery === undefined) this.#phase = { ...p, delivery };
    this.#addMedia(p.delivery ?? delivery, m);
  }

  #addMedia(delivery: Delivery, m: SessionMedia): void {
    this.medias.set(m.index, m);
    this.#byIndex[m.index] = m;
    delivery.addMedia(m, this.#receive);
  }

  /**
   * PLAY: starts delivery; packets are held until `releasePlay` (after the response is queued).
   * Undefined when the session already plays (the answer is a plain 200).
   */
  play(conn: CarrierConn): PlayStarted | undefined {
    const p = this.#phase;
    checkTransition("PLAY", p.state);
    if (p.state !== "prePlay" && p.state !== "play" || this.medias.size === 0) {
      throw new RtspError(400, "no media has been set up");
    }
    if (p.state === "play") return undefined;
    p.delivery.bind(conn, this, true);
    this.#phase = { ...p, state: "play" };
    const d = p.delivery;
    const started = { reader: p.reader, path: p.path, transport: d.transport };
    if (d instanceof MulticastDelivery) {
      // The group sender carries the packets; the reader only registers to be told when the stream ends.
      const starts = p.reader.play(this, []);
      d.sender.activate();
      return { starts, ...started };
    }
    this.#out.hold();
    // UDP readers get the copy of the stream split for udpMaxPayloadSize, TCP readers the original.
    // SRTP readers all get the copy, over TCP too: one numbering per stream key, so that no SRTP
    // index ever carries two different packets (RFC 3711 §9.1: a reused keystream leaks plaintext).
    const starts = p.reader.play(this, [...this.medias.keys()], {
      udpCopy: d.transport === "udp" || d.secure,
      secure: d.secure,
      bursts: d.transport === "udp" || (d instanceof TcpDelivery && !d.secure && d.defaultChannels),
    });
    return { starts, ...started };
  }

  /**
   * RECORD: packets now flow into the stream. `resumed` when this resumes a paused publisher,
   * whose stream (and readers) carry on.
   */
  record(conn: CarrierConn): RecordStarted {
    const p = this.#phase;
    checkTransition("RECORD", p.state);
    // gortsplib: every announced media must be set up, or readers get a track nobody feeds.
    if (
      p.state !== "preRecord" || p.delivery === undefined || this.medias.size !== p.announced.medias.length
    ) {
      throw new RtspError(400, "not all announced medias have been setup");
    }
    p.delivery.bind(conn, this, false);
    const resumed = p.input !== undefined;
    this.#phase = { ...p, state: "record", delivery: p.delivery, input: p.input ?? p.publisher.start() };
    this.lastActivityMs = this.#ctx.clock.now();
    if (!resumed) this.#scheduleFirstReport();
    // Loss and jitter are tracked on every transport (API counters); reports go out on UDP only.
    for (const m of this.medias.values()) m.receiver ??= new RtpReceiverStats();
    return { resumed, announced: p.announced.medias, path: p.path, transport: p.delivery.transport };
  }

  /** PAUSE: stops delivery to a reader, or ingestion from a publisher. */
  pause(): void {
    const p = this.#phase;
    checkTransition("PAUSE", p.state);
    if (p.state === "play") {
      p.reader.pause();
      this.#phase = { ...p, state: "prePlay" };
    } else if (p.state === "record") {
      this.#phase = { ...p, state: "preRecord" };
    }
  }

  /** TEARDOWN from `conn`: the session ends, the connection stays open (RFC 2326 §10.7). */
  teardown(conn: SessionConn & { release(session: ServerSession): void }): void {
    conn.release(this);
    this.close(`torn down by ${formatNetAddr(conn.remote)}`, conn);
  }

  // ---- reading -------------------------------------------------------------------

  /** MulticastMember: this reader's host sent RTCP to the group. */
  onGroupRtcp(receiverReports: number): void {
    this.touch();
    this.receiverReports += receiverReports;
  }

  /** Sends what arrived between PLAY and its response, then goes live. */
  releasePlay(): void {
    this.#out.release();
    this.#scheduleFirstReport();
  }

  /** The first RTCP report goes out about a second after PLAY/RECORD, then every interval. */
  #scheduleFirstReport(): void {
    this.#lastReportMs = this.#ctx.clock.now() - this.#ctx.rtcpReportIntervalMs + 1000;
  }

  /** Hot path (ReaderSink): queue one packet for this reader, or count a drop. */
  writeRtp(mediaIndex: number, packet: FanOutPacket): void {
    this.#out.writeRtp(mediaIndex, packet);
  }

  /** Hot path (ReaderSink, TCP readers of the whole stream): one turn's packets in one chunk. */
  writeBurst(burst: FanOutBurst): void {
    this.#out.writeBurst(burst);
  }

  /** Hot path (ReaderSink, UDP readers): one turn's packets of a media in one call. */
  writeRun(mediaIndex: number, packets: readonly FanOutPacket[]): void {
    this.#out.writeRun(mediaIndex, packets);
  }

  #udpError = (e: unknown) => {
    if (!this.#closed) this.close(`UDP write failed: ${(e as Error).message}`);
  };

  /** ReaderSink: the path ended this reader. */
  closeByPath(reason: string): void {
    this.close(reason);
  }

  // ---- receiving -----------------------------------------------------------------

  /** An interleaved frame for this session (TCP transport). */
  onInterleaved(channel: number, payload: Uint8Array): void {
    const d = this.delivery;
    if (d instanceof TcpDelivery) d.receiveInterleaved(channel, payload);
  }

  /** A media's RTP or RTCP packet, from its delivery (UDP routes or interleaved channels). */
  #receive = (m: SessionMedia, channel: UdpChannel, data: Uint8Array): void => {
    if (this.#closed) return;
    this.lastActivityMs = this.#ctx.clock.now();
    if (channel === "rtcp") {
      this.receiverReports += this.#inbound.rtcp(m, data);
      return;
    }
    const p = this.#phase;
    if (p.state === "record") this.#inbound.rtp(p.input, m, data);
  };

  // ---- lifecycle -----------------------------------------------------------------

  /** Called every second by the server: timeouts and RTCP reports. */
  tick(now: number): void {
    if (this.#closed) return;
    const o = this.#ctx.options;
    const p = this.#phase;
    if (p.state === "initial") return;
    const d = p.delivery;
    if (d?.connectionless) {
      if (p.state === "record" && now - this.lastActivityMs > o.readTimeoutMs) {
        this.close("no UDP packets received recently (maybe there's a firewall/NAT in between)");
        return;
      }
      if (p.state === "play" && now - this.lastActivityMs > o.sessionTimeoutMs) {
        this.close("session timed out");
        return;
      }
    }
    const interval = this.#ctx.rtcpReportIntervalMs;
    if (now - this.#lastReportMs < interval) return;
    if (p.state === "play" && !this.#out.holding) {
      this.#lastReportMs = now;
      if (p.delivery.sendsSenderReports) sendSenderReports(this.counters, p.delivery, p.reader, this.medias);
    } else if (p.state === "record" && p.delivery.sendsReceiverReports) {
      this.#lastReportMs = now;
      sendReceiverReports(this.counters, p.delivery, this.medias, this.ownSsrc);
    }
  }

  /** A connection that used this session closed. */
  onConnClosed(conn: SessionConn): void {
    this.conns.delete(conn);
    const p = this.#phase;
    const d = this.delivery;
    if (d instanceof TcpDelivery && d.conn === conn) {
      this.close("the connection carrying the session closed");
      return;
    }
    // RFC 2326 lets UDP sessions outlive their control connection (MediaMTX does too);
    // anything else without a connection is useless.
    const survives = d?.connectionless === true && (p.state === "play" || p.state === "record");
    if (this.conns.size === 0 && !survives) this.close("not in use");
  }

  /** Ends the session: detaches from the path, frees UDP routes, closes other connections. */
  close(reason: string, except?: SessionConn): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ctx.sessions.delete(this.id);
    const p = this.#phase;
    if (p.state === "prePlay" || p.state === "play") p.reader.remove();
    this.delivery?.close();
    if (p.state === "preRecord" || p.state === "record") p.publisher.remove();
    this.#out.discard();
    this.log.info(`destroyed: ${reason}`);
    for (const c of this.conns) {
      if (c !== except) c.close(`session ${this.logId} destroyed: ${reason}`);
    }
    this.conns.clear();
  }
}
