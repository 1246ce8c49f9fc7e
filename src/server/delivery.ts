import type { NetAddr } from "../transport/mod.ts";
import type { StreamWriter } from "../transport/mod.ts";
import type { UdpChannel, UdpPair } from "../transport/mod.ts";
import type { FanOutPacket } from "./stream_port.ts";
import { formatInterleaved } from "../wire/rtsp/mod.ts";
import type { MulticastMember, MulticastSender } from "./multicast_sender.ts";
import type { SessionMedia } from "./session_media.ts";
import type { ServerContext } from "./server_context.ts";
import type { ReaderHandle } from "./stream_port.ts";
import type { CarrierConn } from "./session_phase.ts";
import type { ServerSession } from "./server_session.ts";
import { RtspError } from "../wire/rtsp/mod.ts";

/** Lower transport of every media of a session. */
export type SessionTransport = "udp" | "multicast" | "tcp";

/** The part of a connection a session uses. */
export interface SessionConn {
  readonly remote: NetAddr;
  readonly writer: StreamWriter;
  close(reason: string): void;
}

/** Receives a media's inbound packet (RTP or RTCP), whatever the transport carried it. */
type InboundPacket = (m: SessionMedia, channel: UdpChannel, data: Uint8Array) => void;

/**
 * How a session's packets travel, chosen once at its first SETUP: one implementation per
 * transport, so the hot path is a method call instead of a branch on the transport.
 */
export interface Delivery {
  readonly transport: SessionTransport;
  /** RTP/SAVP: media travel as SRTP/SRTCP (RTSPS only). */
  readonly secure: boolean;
  /** UDP and multicast sessions outlive their control connection and time out without RTCP. */
  readonly connectionless: boolean;
  /** Whether the session sends its own sender reports to a reader (the multicast group sender does). */
  readonly sendsSenderReports: boolean;
  /** Whether the session sends receiver reports to a publisher (UDP only, as gortsplib). */
  readonly sendsReceiverReports: boolean;
  /** Routes a set-up media: its inbound packets go to `receive`. */
  addMedia(m: SessionMedia, receive: InboundPacket): void;
  /** Hot path: queues one RTP packet; false when the reader's queue is full. */
  sendRtp(mediaIndex: number, packet: FanOutPacket, force: boolean): boolean;
  /**
   * Hot path, TCP only (bursts go to plain TCP readers alone): one turn's interleaved frames, as
   * many packets against writeQueueSize.
   */
  sendBurst(frames: Uint8Array, packets: number, force: boolean): boolean;
  /** Hot path, UDP: one turn's packets of a media; returns how many were queued (the rest are dropped). */
  sendRun(mediaIndex: number, packets: readonly FanOutPacket[]): number;
  /** Sends one RTCP packet of a media. */
  sendRtcp(mediaIndex: number, packet: Uint8Array): void;
  /** PLAY/RECORD from `conn` (TCP: it carries the packets from now on; PLAY also checks the session's link). */
  bind(conn: CarrierConn, session: ServerSession, checkLink: boolean): void;
  /** Frees routes and shared senders. */
  close(): void;
}

/** Interleaved TCP (RFC 2326 §10.12): packets travel on the connection bound at PLAY/RECORD. */
export class TcpDelivery implements Delivery {
  readonly transport = "tcp";
  readonly connectionless = false;
  readonly sendsSenderReports = true;
  readonly sendsReceiverReports = false;
  readonly secure: boolean;
  /** The connection that carries the interleaved packets (bound at PLAY or RECORD). */
  conn: SessionConn | undefined;
  #rtpChannel: number[] = [];
  #rtcpChannel: number[] = [];
  #byChannel = new Map<number, [SessionMedia, UdpChannel]>();
  #receive: InboundPacket | undefined;

  constructor(secure: boolean) {
    this.secure = secure;
  }

  bind(conn: CarrierConn, session: ServerSession, checkLink: boolean): void {
    if (conn.tcpSession !== undefined && conn.tcpSession !== session) {
      throw new RtspError(400, "the connection already carries another session");
    }
    if (checkLink && this.conn !== undefined && this.conn !== conn) {
      throw new RtspError(400, "session is linked to another connection");
    }
    this.conn = conn;
    conn.carry(session);
  }

  /** Whether an interleaved channel is already in use by this session. */
  usesChannel(channel: number): boolean {
    return this.#byChannel.has(channel);
  }

  addMedia(m: SessionMedia, receive: InboundPacket): void {
    const channels = m.channels ?? [m.index * 2, m.index * 2 + 1];
    this.#rtpChannel[m.index] = channels[0];
    this.#rtcpChannel[m.index] = channels[1];
    this.#byChannel.set(channels[0], [m, "rtp"]);
    this.#byChannel.set(channels[1], [m, "rtcp"]);
    this.#receive = receive;
  }

  /** An interleaved frame from the carrying connection; false when no media uses the channel. */
  receiveInterleaved(channel: number, payload: Uint8Array): boolean {
    const route = this.#byChannel.get(channel);
    if (route === undefined || this.#receive === undefined) return false;
    this.#receive(route[0], route[1], payload);
    return true;
  }

  sendRtp(mediaIndex: number, packet: FanOutPacket, force: boolean): boolean {
    return this.conn !== undefined &&
      this.conn.writer.enqueue(packet.framed(this.#rtpChannel[mediaIndex]), force);
  }

  sendBurst(frames: Uint8Array, packets: number, force: boolean): boolean {
    if (this.conn === undefined) return false;
    const writer = this.conn.writer;
    return force ? writer.enqueue(frames, true, packets) : writer.writeNow(frames, packets);
  }

  sendRun(): number {
    return 0; // runs go to UDP readers only
  }

  /** Whether every set-up media uses channels 2i/2i+1, the numbering of the stream's bursts. */
  get defaultChannels(): boolean {
    for (let i = 0; i < this.#rtpChannel.length; i++) {
      const ch = this.#rtpChannel[i];
      if (ch !== undefined && (ch !== 2 * i || this.#rtcpChannel[i] !== 2 * i + 1)) return false;
    }
    return true;
  }

  sendRtcp(mediaIndex: number, packet: Uint8Array): void {
    this.conn?.writer.enqueue(formatInterleaved(this.#rtcpChannel[mediaIndex], packet));
  }

  close(): void {
    this.#receive = undefined;
  }
}

/** Options of a UDP unicast delivery. */
interface UdpDeliveryOptions {
  udp: UdpPair;
  secure: boolean;
  /** writeQueueSize: sends in flight beyond which packets are dropped. */
  maxInFlight: number;
  /** A send failed: the session ends. */
  onError: (e: unknown) => void;
}

/** UDP unicast: packets go from the server's shared pair to the client's ports (RFC 2326 §12.39). */
export class UdpDelivery implements Delivery {
  readonly transport = "udp";
  readonly connectionless = true;
  readonly sendsSenderReports = true;
  readonly sendsReceiverReports = true;
  readonly secure: boolean;
  readonly #udp: UdpPair;
  readonly #maxInFlight: number;
  readonly #onError: (e: unknown) => void;
  #rtp: NetAddr[] = [];
  #rtcp: NetAddr[] = [];
  #unregister: (() => void)[] = [];
  #inFlight = 0;

  constructor(o: UdpDeliveryOptions) {
    this.#udp = o.udp;
    this.secure = o.secure;
    this.#maxInFlight = o.maxInFlight;
    this.#onError = o.onError;
  }

  /** The server's RTP and RTCP ports, for the Transport reply. */
  get serverPorts(): [number, number] {
    return [this.#udp.rtpPort, this.#udp.rtcpPort];
  }

  /** Whether a client address already routes to a session (ports are unique per host). */
  isTaken(addr: NetAddr): boolean {
    return this.#udp.isRegistered(addr);
  }

  bind(): void {} // packets go to the client's ports, whatever connection asked

  addMedia(m: SessionMedia, receive: InboundPacket): void {
    if (m.clientRtp !== undefined) this.#rtp[m.index] = m.clientRtp;
    if (m.clientRtcp !== undefined) this.#rtcp[m.index] = m.clientRtcp;
    for (const addr of [m.clientRtp, m.clientRtcp]) {
      if (addr === undefined) continue;
      this.#unregister.push(this.#udp.register(addr, (ch, data) => receive(m, ch, data)));
    }
  }

  sendRtp(mediaIndex: number, packet: FanOutPacket, force: boolean): boolean {
    return this.#send("rtp", packet.data, this.#rtp[mediaIndex], force);
  }

  sendBurst(): boolean {
    return false; // bursts go to TCP readers only
  }

  sendRun(mediaIndex: number, packets: readonly FanOutPacket[]): number {
    const to = this.#rtp[mediaIndex];
    // Batched: copied once for every reader of the run, queued for this turn's sendmmsg.
    if (this.#inFlight === 0 && this.#udp.sendRtpRun(packets, to, this.#onError)) return packets.length;
    let n = 0;
    for (const p of packets) if (this.#send("rtp", p.data, to, false)) n++;
    return n;
  }

  sendRtcp(mediaIndex: number, packet: Uint8Array): void {
    const to = this.#rtcp[mediaIndex];
    if (to !== undefined) this.#send("rtcp", packet, to, false);
  }

  #send(channel: UdpChannel, data: Uint8Array, to: NetAddr, force: boolean): boolean {
    if (!force && this.#inFlight >= this.#maxInFlight) return false;
    // Batched (undefined): leaves with every other reader's copy in one sendmmsg at the end of
    // this turn, no promise per packet. Otherwise an ordinary send, counted in flight.
    const pending = this.#udp.sendBatched(channel, data, to, this.#onError);
    if (pending !== undefined) {
      this.#inFlight++;
      pending.then(this.#sent, this.#failed);
    }
    return true;
  }

  #sent = () => {
    this.#inFlight--;
  };

  #failed = (e: unknown) => {
    this.#inFlight--;
    this.#onError(e);
  };

  close(): void {
    for (const u of this.#unregister) u();
    this.#unregister = [];
  }
}

/** Multicast: the stream's group sender carries packets and reports; the session only holds it. */
export class MulticastDelivery implements Delivery {
  readonly transport = "multicast";
  readonly connectionless = true;
  readonly sendsSenderReports = false;
  readonly sendsReceiverReports = false;
  readonly secure: boolean;
  readonly sender: MulticastSender;
  readonly #member: MulticastMember;

  constructor(sender: MulticastSender, member: MulticastMember, secure: boolean) {
    this.sender = sender;
    this.#member = member;
    this.secure = secure;
    sender.hold(member);
  }

  addMedia(): void {}

  bind(): void {}

  sendRtp(): boolean {
    return false; // never attached to the stream: the group sender sends
  }

  sendBurst(): boolean {
    return false;
  }

  sendRun(): number {
    return 0;
  }

  sendRtcp(): void {}

  close(): void {
    this.sender.release(this.#member);
  }
}

/** What a session's first SETUP chose, to open its delivery. */
interface DeliveryChoice {
  transport: SessionTransport;
  secure: boolean;
  /** The reader (multicast: its stream's group sender is shared). */
  reader?: ReaderHandle;
  /** The session, as a member holding the multicast group. */
  member: MulticastMember;
  /** A UDP send failed. */
  onError: (e: unknown) => void;
}

/**
 * The delivery of a session's first SETUP (multicast: the reader's stream group sender, held by
 * `member`; throws RtspError 503 when the range is exhausted).
 */
export async function openDelivery(ctx: ServerContext, c: DeliveryChoice): Promise<Delivery> {
  if (c.transport === "tcp") return new TcpDelivery(c.secure);
  if (c.transport === "multicast" && c.reader !== undefined) {
    return new MulticastDelivery(await ctx.multicastSenderFor(c.reader), c.member, c.secure);
  }
  const udp = ctx.udp;
  if (udp === undefined) throw new RtspError(461, `${c.transport} transport is not available`);
  return new UdpDelivery({
    udp,
    secure: c.secure,
    maxInFlight: ctx.options.writeQueueSize,
    onError: c.onError,
  });
}
