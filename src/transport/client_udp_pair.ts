/**
 * A client media's UDP socket pair (RFC 3550 §11: RTP on an even local port, RTCP on the next
 * one), receiving only from the server address learned at SETUP.
 *
 * @module
 */

/** Local port range for client UDP pairs (gortsplib picks a random even port in a similar range). */
const CLIENT_UDP_PORT_RANGE: readonly [number, number] = [10000, 65534];

const MAX_BIND_ATTEMPTS = 64;
/** Receive buffer: a datagram that fills it was truncated and is dropped (gortsplib's UDP buffer: 1472 + 1). */
const RECEIVE_BUFFER_BYTES = 2048;

/** Where the server sends from and receives at, learned from the SETUP answer. */
export interface UdpPeer {
  /** Server address: the Transport `source=`, else the RTSP connection's remote address. */
  hostname: string;
  /** Server RTP port; undefined when the answer had no `server_port` (then nothing is sent). */
  rtpPort?: number;
  rtcpPort?: number;
  /** Accept datagrams from any source port (`server_port` absent, 0 or 1, as gortsplib's client allows). */
  anyPort: boolean;
}

/** Callbacks of a UDP pair; `onError` is called once when a socket fails outside of close(). */
export interface UdpPairHandlers {
  onRtp: (data: Uint8Array) => void;
  onRtcp: (data: Uint8Array) => void;
  onError: (error: unknown) => void;
  /** Datagrams from another address or too big, with the reason (for debug logs). */
  onDropped?: (why: string) => void;
}

/** One media's RTP/RTCP socket pair on even/odd local ports. */
export class ClientUdpPair {
  readonly #rtp: Deno.DatagramConn;
  readonly #rtcp: Deno.DatagramConn;
  #peer: UdpPeer | undefined;
  #handlers: UdpPairHandlers | undefined;
  #loops: Promise<void>[] = [];
  #closed = false;

  private constructor(rtp: Deno.DatagramConn, rtcp: Deno.DatagramConn) {
    this.#rtp = rtp;
    this.#rtcp = rtcp;
  }

  /** Binds an even RTP port and the next odd RTCP port on `hostname`, trying random pairs. */
  static open(hostname: string, range: readonly [number, number] = CLIENT_UDP_PORT_RANGE): ClientUdpPair {
    const pairs = Math.floor((range[1] - range[0]) / 2);
    for (let attempt = 0; attempt < MAX_BIND_ATTEMPTS; attempt++) {
      const port = range[0] + (range[0] % 2) + 2 * Math.floor(Math.random() * pairs);
      let rtp: Deno.DatagramConn | undefined;
      try {
        rtp = Deno.listenDatagram({ transport: "udp", hostname, port });
        const rtcp = Deno.listenDatagram({ transport: "udp", hostname, port: port + 1 });
        return new ClientUdpPair(rtp, rtcp);
      } catch (e) {
        rtp?.close();
        if (!(e instanceof Deno.errors.AddrInUse)) throw e;
      }
    }
    throw new Error(`Cannot allocate a UDP port pair on ${hostname} after ${MAX_BIND_ATTEMPTS} attempts`);
  }

  /** Local RTP port (even). */
  get rtpPort(): number {
    return (this.#rtp.addr as Deno.NetAddr).port;
  }

  /** Local RTCP port (RTP + 1). */
  get rtcpPort(): number {
    return (this.#rtcp.addr as Deno.NetAddr).port;
  }

  /** The server side, once known. */
  get peer(): UdpPeer | undefined {
    return this.#peer;
  }

  /** Starts receiving from `peer` only (gortsplib's client: other sources are dropped). */
  start(peer: UdpPeer, handlers: UdpPairHandlers): void {
    if (this.#closed || this.#handlers !== undefined) return;
    this.#peer = peer;
    this.#handlers = handlers;
    this.#loops = [
      this.#receive(this.#rtp, peer.rtpPort, handlers.onRtp),
      this.#receive(this.#rtcp, peer.rtcpPort, handlers.onRtcp),
    ];
  }

  /** Sends an RTP packet to the server's RTP port; resolves at once when that port is unknown. */
  sendRtp(data: Uint8Array): Promise<void> {
    return this.#send(this.#rtp, this.#peer?.rtpPort, data);
  }

  /** Sends an RTCP packet to the server's RTCP port. */
  sendRtcp(data: Uint8Array): Promise<void> {
    return this.#send(this.#rtcp, this.#peer?.rtcpPort, data);
  }

  /** Closes both sockets and waits for the receive loops to end; idempotent. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const s of [this.#rtp, this.#rtcp]) {
        try {
          s.close();
        } catch {
          // already closed
        }
      }
    }
    await Promise.all(this.#loops);
  }

  async #send(sock: Deno.DatagramConn, port: number | undefined, data: Uint8Array): Promise<void> {
    const peer = this.#peer;
    if (this.#closed || peer === undefined || port === undefined) return;
    try {
      await sock.send(data, { transport: "udp", hostname: peer.hostname, port });
    } catch (e) {
      if (!this.#closed) this.#handlers?.onError(e);
    }
  }

  async #receive(sock: Deno.DatagramConn, port: number | undefined, deliver: (d: Uint8Array) => void) {
    const buf = new Uint8Array(RECEIVE_BUFFER_BYTES);
    const peer = this.#peer!;
    const handlers = this.#handlers!;
    try {
      while (!this.#closed) {
        const [data, remote] = await sock.receive(buf);
        const from = remote as Deno.NetAddr;
        if (from.hostname !== peer.hostname || (!peer.anyPort && from.port !== port)) {
          handlers.onDropped?.(`datagram from unexpected address ${from.hostname}:${from.port}`);
          continue;
        }
        if (data.length >= RECEIVE_BUFFER_BYTES) {
          handlers.onDropped?.(`datagram larger than ${RECEIVE_BUFFER_BYTES - 1} bytes`);
          continue;
        }
        deliver(data);
      }
    } catch (e) {
      if (!this.#closed) handlers.onError(e);
    }
  }
}
