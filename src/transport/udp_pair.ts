import type { NetAddr } from "./byte_stream.ts";
import { formatNetAddr } from "./byte_stream.ts";
import { type SendErrorHandler, UdpBatchSender } from "./udp_batch_sender.ts";
import { OrderedUdpSends } from "./ordered_udp_sends.ts";

/** Which socket of the pair a datagram used. */
export type UdpChannel = "rtp" | "rtcp";

/**
 * Receives datagrams from one remote address. The buffer is reused by the next
 * receive: copy what must outlive the call.
 */
export type DatagramHandler = (channel: UdpChannel, data: Uint8Array, from: NetAddr) => void;

/** Options of a UdpPair. */
export interface UdpPairOptions {
  hostname: string;
  rtpPort: number;
  rtcpPort: number;
  /** Called for datagrams from an address nobody registered (dropped by default). */
  onUnknown?: (channel: UdpChannel, from: NetAddr, size: number) => void;
  /** Called once when a socket fails outside of close(). */
  onError?: (error: unknown) => void;
  /** Batch RTP sends through sendmmsg when FFI allows (default true). */
  accelerate?: boolean;
  /** Group each reader's equal-size RTP datagrams with UDP_SEGMENT when the kernel allows (default true). */
  gso?: boolean;
  /** Threads sending large RTP batches (default 1; more start Deno Workers, see UdpBatchSender). */
  threads?: number;
  /** Told once when the kernel refuses segmentation offload, or the send workers cannot run (the pair falls back). */
  onFallback?: (reason: string) => void;
}

/** Largest datagram accepted; anything filling the buffer is truncated and reported. */
const RECEIVE_BUFFER = 2048;

/**
 * The server's shared RTP/RTCP socket pair (rtpAddress/rtcpAddress): one pair serves
 * every UDP session, demultiplexed by the sender's address and port.
 */
export class UdpPair {
  readonly #rtp: Deno.DatagramConn;
  readonly #rtcp: Deno.DatagramConn;
  readonly #rtpBatch: UdpBatchSender;
  readonly #rtpSends: OrderedUdpSends;
  readonly #rtcpSends: OrderedUdpSends;
  readonly #handlers = new Map<string, DatagramHandler>();
  readonly #opts: UdpPairOptions;
  #closed = false;

  constructor(opts: UdpPairOptions) {
    this.#opts = opts;
    this.#rtp = Deno.listenDatagram({ transport: "udp", hostname: opts.hostname, port: opts.rtpPort });
    try {
      this.#rtcp = Deno.listenDatagram({ transport: "udp", hostname: opts.hostname, port: opts.rtcpPort });
    } catch (e) {
      this.#rtp.close();
      throw e;
    }
    // Right after binding: the batch sender looks the new socket's descriptor up by its address.
    this.#rtpSends = new OrderedUdpSends(this.#rtp);
    this.#rtcpSends = new OrderedUdpSends(this.#rtcp);
    this.#rtpBatch = new UdpBatchSender(this.#rtp, {
      ordered: this.#rtpSends,
      accelerate: opts.accelerate,
      gso: opts.gso,
      threads: opts.threads,
      onFallback: opts.onFallback,
    });
    this.#receiveLoop("rtp", this.#rtp);
    this.#receiveLoop("rtcp", this.#rtcp);
  }

  /** Local port of the RTP socket. */
  get rtpPort(): number {
    return (this.#rtp.addr as Deno.NetAddr).port;
  }

  /** Local port of the RTCP socket. */
  get rtcpPort(): number {
    return (this.#rtcp.addr as Deno.NetAddr).port;
  }

  /** Routes datagrams from `addr` (`host:port`) to `handler` until the returned function is called. */
  register(addr: NetAddr, handler: DatagramHandler): () => void {
    const key = formatNetAddr(addr);
    this.#handlers.set(key, handler);
    return () => {
      if (this.#handlers.get(key) === handler) this.#handlers.delete(key);
    };
  }

  /** Whether datagrams from `addr` are already routed somewhere. */
  isRegistered(addr: NetAddr): boolean {
    return this.#handlers.has(formatNetAddr(addr));
  }

  /**
   * Sends one datagram from the RTP or RTCP socket, after those given before to the same address.
   * Resolves when handed to the kernel.
   */
  send(channel: UdpChannel, data: Uint8Array, to: NetAddr): Promise<number> {
    return (channel === "rtp" ? this.#rtpSends : this.#rtcpSends).send(data, to);
  }

  /** Whether RTP datagrams leave in batches (one sendmmsg per event-loop turn) rather than one by one. */
  get batched(): boolean {
    return this.#rtpBatch.accelerated;
  }

  /** Whether equal-size RTP datagrams to one reader leave as one segmented message (UDP_SEGMENT). */
  get segmented(): boolean {
    return this.#rtpBatch.segmented;
  }

  /** Threads sending large RTP batches now: 1, plus the send workers that are ready. */
  get sendThreads(): number {
    return this.#rtpBatch.sendThreads;
  }

  /** sendmmsg calls, messages and datagrams of the RTP fan-out so far (and messages the workers sent). */
  get batchStats(): Readonly<{ calls: number; messages: number; datagrams: number; workerMessages: number }> {
    return this.#rtpBatch.stats;
  }

  /**
   * Hot path: sends one datagram, batched with the others of this event-loop turn when possible.
   * Returns undefined when batched (a refusal is reported to `onError` when the batch leaves), or
   * the promise of an ordinary send (the caller counts it in flight).
   */
  sendBatched(
    channel: UdpChannel,
    data: Uint8Array,
    to: NetAddr,
    onError: SendErrorHandler,
  ): Promise<number> | undefined {
    return channel === "rtp" ? this.#rtpBatch.send(data, to, onError) : this.send(channel, data, to);
  }

  /**
   * Hot path: one run of RTP datagrams to `to` (see UdpBatchSender.sendRun), copied into the
   * batch once for every reader. False when it cannot be batched: send them one by one.
   */
  sendRtpRun(run: readonly { readonly data: Uint8Array }[], to: NetAddr, onError: SendErrorHandler): boolean {
    return this.#rtpBatch.sendRun(run, to, onError);
  }

  /** Closes both sockets. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rtpBatch.close();
    for (const s of [this.#rtp, this.#rtcp]) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
    this.#handlers.clear();
  }

  async #receiveLoop(channel: UdpChannel, sock: Deno.DatagramConn): Promise<void> {
    const buf = new Uint8Array(RECEIVE_BUFFER);
    try {
      while (!this.#closed) {
        const [data, remote] = await sock.receive(buf);
        const from = remote as Deno.NetAddr;
        const handler = this.#handlers.get(formatNetAddr(from));
        if (handler === undefined) {
          this.#opts.onUnknown?.(channel, from, data.length);
          continue;
        }
        try {
          handler(channel, data, from);
        } catch (e) {
          // A handler bug must not kill the shared socket for every other session.
          this.#opts.onError?.(e);
        }
      }
    } catch (e) {
      if (!this.#closed) this.#opts.onError?.(e);
    }
  }
}
