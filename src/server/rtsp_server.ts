import { formatNetAddr } from "../transport/mod.ts";
import { TcpListener } from "../transport/mod.ts";
import { type Clock, systemClock, type TimerId } from "../time/mod.ts";
import { ReloadingTlsListener } from "../transport/mod.ts";
import { CarrierSniffer } from "../transport/mod.ts";
import type { ByteStream } from "../transport/mod.ts";
import { UdpPair } from "../transport/mod.ts";
import { MulticastAllocator } from "../transport/mod.ts";
import { WriteScheduler } from "../transport/mod.ts";
import { libcUnavailableReason, openLibc } from "../transport/mod.ts";
import { RtspError } from "../wire/rtsp/mod.ts";
import { MulticastSender } from "./multicast_sender.ts";
import type { FanOut, ReaderHandle } from "./stream_port.ts";
import type { Logger } from "../log/mod.ts";
import type { RtspServerOptions, ServerContext, ServerLimits, ServerTransport } from "./server_context.ts";
import { ServerConn } from "./server_conn.ts";
import type { ServerSession } from "./server_session.ts";

const TICK_MS = 1000;
/** RTCP report period when the options give none (gortsplib: 10 s). */
const DEFAULT_RTCP_REPORT_INTERVAL_MS = 10_000;
/** Defaults of the pending-connection limits (requestTimeoutMs defaults to readTimeout). */
const DEFAULT_MAX_PENDING_PER_IP = 32;
const DEFAULT_MAX_PENDING = 512;
/** At most one "refused" log line per this many ms and reason, so a flood cannot flood the log. */
const REFUSAL_LOG_INTERVAL_MS = 1000;
/**
 * When interleaved packets are written: 0 = at the end of the event-loop turn that queued them,
 * so what one publisher read fanned out (a video frame's packets) leaves in one write per reader.
 * Measured with `deno task bench` at 800 TCP readers: a 2 or 5 ms timer saved no CPU within the
 * noise (0.31-0.34 vs 0.37 cores) but added its delay to every packet (p50 100 readers: 1 ms at
 * 0, 4 ms at 2, 7 ms at 5).
 */
const TCP_FLUSH_DELAY_MS = 0;

/**
 * An RTSP server: one TCP listener for the control connections and, when UDP is
 * offered, the shared RTP/RTCP socket pair. Sessions live here; paths and streams
 * are reached through the PathManagerPort of the options.
 */
export class RtspServer implements ServerContext {
  readonly options: RtspServerOptions;
  readonly clock: Clock;
  readonly rtcpReportIntervalMs: number;
  readonly log: Logger;
  readonly sessions = new Map<string, ServerSession>();
  readonly conns = new Set<ServerConn>();
  /** SRTP (RTP/SAVP) is offered on RTSPS only: on plain RTSP the keys would travel in clear. */
  readonly srtp: boolean;
  /** One flush point for every connection's writer (see TCP_FLUSH_DELAY_MS). */
  readonly writeScheduler = new WriteScheduler(TCP_FLUSH_DELAY_MS);
  #listener: TcpListener | undefined;
  #tlsListener: ReloadingTlsListener | undefined;
  /** Tells plain RTSP from HTTP and WebSocket tunnels by the first bytes of each connection. */
  readonly #sniffer: CarrierSniffer;
  #udp: UdpPair | undefined;
  #ticker: TimerId | undefined;
  #closed = false;
  readonly #multicastAllocator: MulticastAllocator | undefined;
  /** One sender per stream, shared by its multicast readers (a promise while opening). */
  readonly multicastSenders = new Map<FanOut, Promise<MulticastSender>>();
  readonly limits: ServerLimits;
  /** Refusals not logged yet, by reason, and when the last line was written. */
  #refusals = new Map<string, { count: number; lastLogMs: number }>();

  constructor(options: RtspServerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.rtcpReportIntervalMs = options.rtcpReportIntervalMs ?? DEFAULT_RTCP_REPORT_INTERVAL_MS;
    this.log = options.log.with(`[${options.label}]`);
    this.srtp = options.tls !== undefined;
    this.limits = {
      requestTimeoutMs: options.limits?.requestTimeoutMs ?? options.readTimeoutMs,
      maxPendingPerIp: options.limits?.maxPendingPerIp ?? DEFAULT_MAX_PENDING_PER_IP,
      maxPending: options.limits?.maxPending ?? DEFAULT_MAX_PENDING,
    };
    this.#sniffer = new CarrierSniffer({
      onCarrier: (stream) => {
        if (this.#closed) stream.close();
        else this.serve(stream);
      },
      onReject: (why, addr) => this.log.info(`[conn ${formatNetAddr(addr)}] refused: ${why}`),
      player: options.player,
      onPlayerRequest: (target, status, addr) =>
        this.log.debug(`[conn ${formatNetAddr(addr)}] player: GET ${target} -> ${status}`),
      sniffTimeoutMs: options.readTimeoutMs,
    });
    if (options.multicast !== undefined && options.transports.includes("multicast")) {
      this.#multicastAllocator = new MulticastAllocator(options.multicast.ipRange);
    }
  }

  get udp(): UdpPair | undefined {
    return this.#udp;
  }

  /** The TCP port actually bound (useful with port 0). */
  get port(): number {
    return this.#tlsListener?.port ?? this.#listener!.port;
  }

  allows(t: ServerTransport): boolean {
    if (t === "multicast" && this.#multicastAllocator === undefined) return false;
    return this.options.transports.includes(t);
  }

  multicastSenderFor(reader: ReaderHandle): Promise<MulticastSender> {
    const fanOut = reader.fanOut;
    const existing = this.multicastSenders.get(fanOut);
    if (existing !== undefined) return existing;
    const forget = () => {
      this.multicastSenders.delete(fanOut);
      this.#openSenders.delete(fanOut);
    };
    const opening = MulticastSender.open(
      fanOut,
      reader.medias,
      this.#multicastAllocator!,
      { ...this.options.multicast!, secure: this.srtp },
      this.log,
      forget,
    ).then((sender) => {
      this.#openSenders.set(fanOut, sender);
      return sender;
    }, (e) => {
      forget();
      if (e instanceof RangeError) throw new RtspError(503, e.message, { cause: e });
      throw new RtspError(500, `cannot open multicast group: ${(e as Error).message}`, { cause: e });
    });
    this.multicastSenders.set(fanOut, opening);
    return opening;
  }

  multicastAddressFor(fanOut: object): string | undefined {
    return this.#multicastAllocator === undefined
      ? undefined
      : (this.#openSenders.get(fanOut)?.groups[0]?.group ?? this.#multicastAllocator.networkAddress);
  }

  /** Senders whose groups are open (settled promises), for reports and DESCRIBE. */
  readonly #openSenders = new Map<object, MulticastSender>();

  /** Binds every socket; throws (with the address) when one cannot be bound. */
  start(): void {
    const o = this.options;
    if (o.udp !== undefined && this.allows("udp")) {
      try {
        this.#udp = new UdpPair({
          hostname: o.udp.hostname,
          rtpPort: o.udp.rtpPort,
          rtcpPort: o.udp.rtcpPort,
          gso: o.udp.gso,
          threads: o.udp.threads,
          onFallback: (reason) => this.log.warn(`UDP fan-out: ${reason}`),
          onError: (e) => this.log.error(`UDP socket error: ${(e as Error).message}`),
        });
      } catch (e) {
        throw new Error(
          `cannot listen on UDP ${o.udp.hostname}:${o.udp.rtpPort}-${o.udp.rtcpPort}: ${
            (e as Error).message
          }`,
        );
      }
    }
    try {
      if (o.tls !== undefined) {
        this.#tlsListener = new ReloadingTlsListener({
          hostname: o.hostname,
          port: o.port,
          certFile: o.tls.certFile,
          keyFile: o.tls.keyFile,
          handshakeTimeoutMs: o.readTimeoutMs,
          admit: (peer) => this.#admit(peer),
          onConn: (stream) => this.#closed ? stream.close() : this.#sniffer.accept(stream),
          onHandshakeFailed: (peer, why) =>
            this.log.info(`[conn ${formatNetAddr(peer)}] TLS handshake failed: ${why}`),
          onReload: (r) =>
            r.ok
              ? this.log.info("TLS certificate reloaded")
              : this.log.error(`TLS certificate not reloaded, keeping the previous one: ${r.error}`),
        });
      } else {
        this.#listener = new TcpListener({
          hostname: o.hostname,
          port: o.port,
          admit: (peer) => this.#admit(peer),
          onConn: (stream) => this.#closed ? stream.close() : this.#sniffer.accept(stream),
          onAcceptError: (text) => this.#logRateLimited("error", text),
        });
      }
    } catch (e) {
      this.#udp?.close();
      throw e;
    }
    const udpText = this.#udp === undefined
      ? ""
      : `, :${this.#udp.rtpPort} (UDP/RTP), :${this.#udp.rtcpPort} (UDP/RTCP)`;
    this.log.info(`listener opened on :${this.port} (${o.tls !== undefined ? "TCP/TLS" : "TCP"})${udpText}`);
    if (this.#udp !== undefined) {
      this.log.debug(
        this.#udp.batched
          ? `UDP fan-out: one sendmmsg per event-loop turn (FFI)${
            this.#udp.segmented ? ", equal-size runs per reader segmented by the kernel (UDP_SEGMENT)" : ""
          }${(o.udp?.threads ?? 1) > 1 ? `, large batches sent over ${o.udp!.threads} threads` : ""}`
          : `UDP fan-out: one send per packet and reader (${libcUnavailableReason ?? "FFI unavailable"})`,
      );
    }
    if (o.tls === undefined) {
      this.log.debug(
        openLibc() !== undefined
          ? "TCP fan-out: non-blocking writes through FFI (sendmsg), the stream's own write when the socket is full"
          : `TCP fan-out: the stream's own async write for every packet (${
            libcUnavailableReason ?? "FFI unavailable"
          })`,
      );
    }
    this.#ticker = this.clock.setInterval(() => this.#tick(), TICK_MS);
  }

  /** Serves an already-established byte stream (used by tunnels and tests). */
  serve(stream: ByteStream): ServerConn {
    const conn = new ServerConn(this, stream);
    this.conns.add(conn);
    conn.run().finally(() => this.conns.delete(conn));
    return conn;
  }

  /** Connections without a session yet: handshaking, being sniffed, or served but sessionless. */
  pendingCounts(host: string): { all: number; fromHost: number } {
    let all = 0;
    let fromHost = 0;
    const count = (h: string) => {
      all++;
      if (h === host) fromHost++;
    };
    this.#tlsListener?.forEachHandshaking((peer) => count(peer.hostname));
    this.#sniffer.forEachPending((peer) => count(peer.hostname));
    for (const c of this.conns) if (c.pending && !c.closed) count(c.remote.hostname);
    return { all, fromHost };
  }

  /** Whether a new connection from `peer` fits under the pending caps; logs (rate-limited) when not. */
  #admit(peer: Deno.NetAddr | { hostname: string; port: number }): boolean {
    const { all, fromHost } = this.pendingCounts(peer.hostname);
    let reason: string | undefined;
    if (fromHost >= this.limits.maxPendingPerIp) {
      reason =
        `too many connections without a session from ${peer.hostname} (${this.limits.maxPendingPerIp})`;
    } else if (all >= this.limits.maxPending) {
      reason = `too many connections without a session (${this.limits.maxPending})`;
    }
    if (reason === undefined) return true;
    this.#logRateLimited("warn", `connection refused: ${reason}`);
    return false;
  }

  /** Logs `text` at most once per REFUSAL_LOG_INTERVAL_MS, with how many times it happened since. */
  #logRateLimited(level: "warn" | "error", text: string): void {
    const now = this.clock.now();
    const r = this.#refusals.get(text) ?? { count: 0, lastLogMs: -Infinity };
    r.count++;
    if (now - r.lastLogMs >= REFUSAL_LOG_INTERVAL_MS) {
      this.log.log(level, `${text}${r.count > 1 ? ` (${r.count} times)` : ""}`);
      r.count = 0;
      r.lastLogMs = now;
    }
    this.#refusals.set(text, r);
    if (this.#refusals.size > 1000) this.#refusals.clear(); // many source IPs: forget the oldest counts
  }

  #tick(): void {
    const now = this.clock.now();
    for (const s of [...this.sessions.values()]) s.tick(now);
    for (const m of this.#openSenders.values()) m.tick(now, this.rtcpReportIntervalMs);
    for (const c of [...this.conns]) {
      const deadline = c.readDeadlineMs;
      if (deadline > 0 && now - c.lastReadMs > deadline) c.close("read timeout");
      else if (c.partialSinceMs !== undefined && now - c.partialSinceMs > this.limits.requestTimeoutMs) {
        c.close("request not completed in time");
      }
    }
  }

  /** Closes listeners, every session and every connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.clock.clearInterval(this.#ticker);
    const accepting = this.#listener?.close();
    this.#tlsListener?.close();
    await this.#sniffer.close();
    for (const s of [...this.sessions.values()]) s.close("server is shutting down");
    for (const c of [...this.conns]) c.close("server is shutting down");
    for (const m of [...this.#openSenders.values()]) m.close();
    this.writeScheduler.close();
    this.#udp?.close();
    await accepting;
    this.log.info("listener closed");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
