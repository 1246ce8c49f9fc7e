/**
 * UDP receiving for the load process: sockets that drain with one recvmmsg per wake-up and read
 * the kernel's arrival timestamp of every datagram (SO_TIMESTAMPNS), so the measured latency does
 * not include the load process's own scheduling delays.
 *
 * @module
 */
import {
  addressOf,
  check,
  IP_ADD_MEMBERSHIP,
  IPPROTO_IP,
  libc,
  MSG_DONTWAIT,
  put64,
  setIntOption,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
  SO_REUSEADDR,
  SO_TIMESTAMPNS,
  SOL_SOCKET,
  udpSocket,
} from "./libc.ts";
import type { Reactor } from "./reactor.ts";
import { AF_INET, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK, sockaddrIn } from "./libc.ts";

/** Receives (media, sequence number, kernel arrival time) for every datagram. */
export type DatagramHandler = (seq: number, arrivalMs: number) => void;

const BATCH = 64;
const RCVBUF = 1 << 20;
const SLOT = 2048;
const CONTROL = 32; // CMSG_SPACE(sizeof(struct timespec))

/** Shared recvmmsg buffers: the load process handles one socket at a time. */
class Batch {
  readonly data = new Uint8Array(new ArrayBuffer(BATCH * SLOT));
  readonly control = new ArrayBuffer(BATCH * CONTROL);
  readonly control32 = new Uint32Array(this.control);
  readonly msgs = new Uint8Array(new ArrayBuffer(BATCH * 64));
  readonly msgs32 = new Uint32Array(this.msgs.buffer);
  readonly #iov = new ArrayBuffer(BATCH * 16);

  constructor() {
    const iov32 = new Uint32Array(this.#iov);
    const dataAt = addressOf(this.data);
    const iovAt = addressOf(this.#iov);
    const controlAt = addressOf(this.control);
    for (let i = 0; i < BATCH; i++) {
      put64(iov32, i * 16, dataAt + i * SLOT);
      put64(iov32, i * 16 + 8, SLOT);
      const m = i * 64; // struct mmsghdr: msghdr (56 bytes) + msg_len
      put64(this.msgs32, m + 16, iovAt + i * 16); // msg_iov
      put64(this.msgs32, m + 24, 1); // msg_iovlen
      put64(this.msgs32, m + 32, controlAt + i * CONTROL); // msg_control
    }
  }

  /** Resets the fields recvmmsg overwrites. */
  prepare(): void {
    for (let i = 0; i < BATCH; i++) {
      const m = i * 64;
      put64(this.msgs32, m + 40, CONTROL); // msg_controllen
      this.msgs32[(m + 48) >> 2] = 0; // msg_flags
    }
  }
}

let batch: Batch | undefined;

/** One receiving UDP socket. */
export class UdpReceiver {
  readonly fd: number;
  readonly port: number;
  packets = 0;
  readonly #reactor: Reactor;

  private constructor(reactor: Reactor, fd: number, port: number) {
    this.#reactor = reactor;
    this.fd = fd;
    this.port = port;
  }

  /** Binds `host:port` (-> undefined when in use); timestamps on. */
  static bind(reactor: Reactor, host: string, port: number): UdpReceiver | undefined {
    const fd = udpSocket(host, port);
    if (fd < 0) return undefined;
    setIntOption(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
    // Room for a key frame's burst between two reads (SO_RCVBUFFORCE needs CAP_NET_ADMIN).
    if (setIntOption(fd, SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF) < 0) {
      setIntOption(fd, SOL_SOCKET, SO_RCVBUF, RCVBUF);
    }
    return new UdpReceiver(reactor, fd, port);
  }

  /** A socket that receives a multicast group's `port` (SO_REUSEADDR, joined on `iface`). */
  static joinGroup(reactor: Reactor, group: string, port: number, iface = "0.0.0.0"): UdpReceiver {
    const c = libc();
    const fd = check(c.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket");
    setIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    check(c.bind(fd, sockaddrIn(group, port), 16), `bind ${group}:${port}`);
    const mreq = new Uint8Array(8);
    mreq.set(sockaddrIn(group, 0).subarray(4, 8), 0);
    mreq.set(sockaddrIn(iface, 0).subarray(4, 8), 4);
    check(c.setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq, 8), "IP_ADD_MEMBERSHIP");
    setIntOption(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
    if (setIntOption(fd, SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF) < 0) {
      setIntOption(fd, SOL_SOCKET, SO_RCVBUF, RCVBUF);
    }
    return new UdpReceiver(reactor, fd, port);
  }

  /** Starts draining into `handler`. */
  start(handler: DatagramHandler): void {
    this.#reactor.add(this.fd, () => this.#drain(handler));
  }

  /** Closes the socket. */
  close(): void {
    this.#reactor.remove(this.fd);
    libc().close(this.fd);
  }

  #drain(handler: DatagramHandler): void {
    const b = batch ??= new Batch();
    const c = libc();
    const data = b.data;
    const ctl = b.control32;
    for (;;) {
      b.prepare();
      const n = c.recvmmsg(this.fd, b.msgs, BATCH, MSG_DONTWAIT, null);
      if (n <= 0) return;
      this.packets += n;
      for (let i = 0; i < n; i++) {
        const d = i * SLOT;
        const seq = (data[d + 2] << 8) | data[d + 3];
        // cmsghdr: len (8), level (4), type (4), then struct timespec (sec, nsec as 64-bit).
        const w = (i * CONTROL) >> 2;
        const sec = ctl[w + 4] + ctl[w + 5] * 0x1_0000_0000;
        handler(seq, sec * 1000 + ctl[w + 6] / 1e6);
      }
      if (n < BATCH) return;
    }
  }
}

/** Binds RTP/RTCP pairs on consecutive ports from `base` upward, skipping ports in use. */
export function bindPairs(
  reactor: Reactor,
  host: string,
  count: number,
  base: number,
): { rtp: UdpReceiver; rtcp: UdpReceiver }[] {
  const pairs: { rtp: UdpReceiver; rtcp: UdpReceiver }[] = [];
  let port = base - (base % 2);
  while (pairs.length < count) {
    if (port > 65534) throw new Error(`no free UDP port pairs above ${base}`);
    const rtp = UdpReceiver.bind(reactor, host, port);
    const rtcp = rtp === undefined ? undefined : UdpReceiver.bind(reactor, host, port + 1);
    if (rtp !== undefined && rtcp !== undefined) pairs.push({ rtp, rtcp });
    else rtp?.close();
    port += 2;
  }
  return pairs;
}
