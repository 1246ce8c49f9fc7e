import type { NetAddr } from "./byte_stream.ts";
import { OrderedUdpSends } from "./ordered_udp_sends.ts";

/** Options of one multicast group's sockets. */
export interface MulticastGroupOptions {
  group: string;
  rtpPort: number;
  rtcpPort: number;
  /** IP_MULTICAST_TTL really set on the sending socket, and advertised as `ttl=`. */
  ttl: number;
  /** Address of the interface to send and listen on; "" lets the routing table choose. */
  interfaceAddress: string;
  /** RTCP datagrams that readers send to the group (receiver reports). */
  onRtcp: (data: Uint8Array, from: NetAddr) => void;
}

/**
 * The sockets of one multicast group: a sender (RTP and RTCP to the group) and a
 * listener on the group's RTCP port for readers' receiver reports.
 *
 * The sender uses an ephemeral source port, so the group's RTP port stays free for
 * readers on this host; the RTCP listener is bound to the group address itself with
 * SO_REUSEADDR, so it sees only this group's traffic and a local reader can bind the
 * same port.
 */
export class MulticastGroup {
  readonly group: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly ttl: number;
  /** RTP bytes and packets handed to the kernel for this group. */
  rtpBytesSent = 0;
  rtpPacketsSent = 0;
  /** RTCP bytes sent to the group (sender reports). */
  rtcpBytesSent = 0;
  readonly #sender: Deno.DatagramConn;
  /** Sends to the group, in order (Deno's sends in flight together are not). */
  readonly #sends: OrderedUdpSends;
  readonly #listener: Deno.DatagramConn;
  readonly #rtpAddr: Deno.NetAddr;
  readonly #rtcpAddr: Deno.NetAddr;
  #closed = false;

  private constructor(opts: MulticastGroupOptions, sender: Deno.DatagramConn, listener: Deno.DatagramConn) {
    this.group = opts.group;
    this.rtpPort = opts.rtpPort;
    this.rtcpPort = opts.rtcpPort;
    this.ttl = opts.ttl;
    this.#sender = sender;
    this.#sends = new OrderedUdpSends(sender);
    this.#listener = listener;
    this.#rtpAddr = { transport: "udp", hostname: opts.group, port: opts.rtpPort };
    this.#rtcpAddr = { transport: "udp", hostname: opts.group, port: opts.rtcpPort };
    this.#listen(opts.onRtcp);
  }

  /** Opens the sockets, joins the group and sets the TTL. */
  static async open(opts: MulticastGroupOptions): Promise<MulticastGroup> {
    const iface = opts.interfaceAddress === "" ? "0.0.0.0" : opts.interfaceAddress;
    // Binding the sender to the interface address makes Linux route multicast out of it.
    const sender = Deno.listenDatagram({ transport: "udp", hostname: iface, port: 0 });
    let listener: Deno.DatagramConn | undefined;
    try {
      const membership = await sender.joinMulticastV4(opts.group, iface);
      await membership.setTTL(opts.ttl);
      await membership.setLoopback(true); // readers on this host receive the stream too
      listener = Deno.listenDatagram({
        transport: "udp",
        hostname: opts.group,
        port: opts.rtcpPort,
        reuseAddress: true,
      });
      await listener.joinMulticastV4(opts.group, iface);
      return new MulticastGroup(opts, sender, listener);
    } catch (e) {
      sender.close();
      listener?.close();
      throw e;
    }
  }

  /** Sends one datagram to the group's RTP or RTCP port; errors are counted, not thrown. */
  send(channel: "rtp" | "rtcp", data: Uint8Array): void {
    if (this.#closed) return;
    if (channel === "rtp") {
      this.rtpBytesSent += data.length;
      this.rtpPacketsSent++;
    } else {
      this.rtcpBytesSent += data.length;
    }
    this.#sends.send(data, channel === "rtp" ? this.#rtpAddr : this.#rtcpAddr).catch(() => {
      // Multicast has no receiver to fail on; a send error (no route) must not end the stream.
    });
  }

  async #listen(onRtcp: MulticastGroupOptions["onRtcp"]): Promise<void> {
    const buf = new Uint8Array(2048);
    try {
      while (!this.#closed) {
        const [data, from] = await this.#listener.receive(buf);
        const addr = from as Deno.NetAddr;
        onRtcp(data, { hostname: addr.hostname, port: addr.port });
      }
    } catch {
      // closed
    }
  }

  /** Leaves the group and closes both sockets. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of [this.#sender, this.#listener]) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
  }
}
