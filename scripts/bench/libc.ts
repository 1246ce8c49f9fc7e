/**
 * The few libc calls the benchmark's load and floor processes make through Deno's FFI (Linux,
 * x86_64/aarch64 LP64 layouts): non-blocking sockets, epoll, recvmmsg/sendmmsg and the realtime
 * clock that SO_TIMESTAMPNS uses, so that arrival and send times share one clock.
 *
 * Hundreds of readers cost the load process one epoll_wait per wake-up and one recvmmsg per ready
 * socket, instead of a pending Deno receive per socket (which would also make the kernel wake a
 * thread for every datagram the server sends, a cost charged to the server under test).
 *
 * @module
 */

import {
  AF_INET,
  EAGAIN,
  MSG_DONTWAIT,
  MSG_NOSIGNAL,
  put64,
  SO_SNDBUF,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
} from "../../src/transport/ffi_libc.ts";

/** The constants and helpers shared with the server's own FFI binding. */
export { AF_INET, EAGAIN, MSG_DONTWAIT, MSG_NOSIGNAL, put64, SO_SNDBUF, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET };

/** Socket constants only the load generator needs (Linux). */
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SO_REUSEADDR = 2;
export const SO_RCVBUF = 8;
export const SO_RCVBUFFORCE = 33;
export const SO_TIMESTAMPNS = 35;
export const IPPROTO_IP = 0;
export const IPPROTO_TCP = 6;
export const IP_ADD_MEMBERSHIP = 35;
export const TCP_NODELAY = 1;
export const EPOLLIN = 0x1;
export const EPOLLOUT = 0x4;
export const EPOLLERR = 0x8;
export const EPOLLHUP = 0x10;
export const EINPROGRESS = 115;
export const EADDRINUSE = 98;
const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const RLIMIT_NOFILE = 7;
const CLOCK_REALTIME = 0;

const SYMBOLS = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  listen: { parameters: ["i32", "i32"], result: "i32" },
  accept4: { parameters: ["i32", "pointer", "pointer", "i32"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  send: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "isize" },
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  recvmmsg: { parameters: ["i32", "buffer", "u32", "i32", "pointer"], result: "i32" },
  sendmmsg: { parameters: ["i32", "buffer", "u32", "i32"], result: "i32" },
  epoll_create1: { parameters: ["i32"], result: "i32" },
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  epoll_wait: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32", nonblocking: true },
  clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
  getrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  setrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

type Symbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let lib: Symbols | undefined;

/** The libc symbols (opened on first use). */
export function libc(): Symbols {
  lib ??= Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  return lib;
}

/** errno of the last failed call on this thread. */
export function errno(): number {
  const p = libc().__errno_location();
  return p === null ? 0 : new Deno.UnsafePointerView(p).getInt32();
}

/** The address of a buffer's first byte, as a number (user-space addresses fit in 53 bits). */
export function addressOf(buf: ArrayBuffer | Uint8Array): number {
  const view = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  return Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(view as Uint8Array<ArrayBuffer>)));
}

/** A `struct sockaddr_in` for an IPv4 address. */
export function sockaddrIn(host: string, port: number): Uint8Array<ArrayBuffer> {
  const sa = new Uint8Array(16);
  const dv = new DataView(sa.buffer);
  dv.setUint16(0, AF_INET, true);
  dv.setUint16(2, port, false);
  const parts = host.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) {
    throw new RangeError(`Cannot make a sockaddr_in: "${host}" is not an IPv4 address`);
  }
  sa.set(parts, 4);
  return sa;
}

/** The local port of a socket (0 when unknown). */
export function localPort(fd: number): number {
  const sa = new Uint8Array(16);
  const len = new Uint32Array([16]);
  if (libc().getsockname(fd, sa, new Uint8Array(len.buffer)) !== 0) return 0;
  return new DataView(sa.buffer).getUint16(2, false);
}

/** Throws an Error naming the call and errno when `result` is negative. */
export function check(result: number | bigint, what: string): number {
  const n = Number(result);
  if (n < 0) throw new Error(`${what} failed: errno ${errno()}`);
  return n;
}

/** setsockopt with an int value. */
export function setIntOption(fd: number, level: number, name: number, value: number): number {
  const v = new Uint8Array(4);
  new DataView(v.buffer).setInt32(0, value, true);
  return libc().setsockopt(fd, level, name, v, 4);
}

/** A non-blocking UDP socket bound to `host:port`; -1 when the port is in use. */
export function udpSocket(host: string, port: number): number {
  const c = libc();
  const fd = check(c.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket");
  if (c.bind(fd, sockaddrIn(host, port), 16) < 0) {
    const e = errno();
    c.close(fd);
    if (e === EADDRINUSE) return -1;
    throw new Error(`bind ${host}:${port} failed: errno ${e}`);
  }
  return fd;
}

/** Adds epoll interest in `events` for `fd`, with `fd` as the event's data. */
export function epollAdd(ep: number, fd: number, events: number): void {
  const ev = new Uint8Array(12); // struct epoll_event is packed on x86_64
  const dv = new DataView(ev.buffer);
  dv.setUint32(0, events, true);
  dv.setUint32(4, fd, true);
  check(libc().epoll_ctl(ep, EPOLL_CTL_ADD, fd, ev), "epoll_ctl ADD");
}

/** Removes `fd` from the epoll set (errors ignored: the fd may be closed already). */
export function epollDel(ep: number, fd: number): void {
  libc().epoll_ctl(ep, EPOLL_CTL_DEL, fd, new Uint8Array(12));
}

const ts = new BigInt64Array(2);
const tsBytes = new Uint8Array(ts.buffer);

/** CLOCK_REALTIME in milliseconds (the clock of SO_TIMESTAMPNS). */
export function realtimeMs(): number {
  libc().clock_gettime(CLOCK_REALTIME, tsBytes);
  return Number(ts[0]) * 1000 + Number(ts[1]) / 1e6;
}

/**
 * recvmsg with the kernel's receive timestamp (SO_TIMESTAMPNS must be on): for TCP, the arrival
 * time of the last segment the read took (Linux `tcp_recv_timestamp`).
 */
export class StampedRecv {
  readonly #msg = new Uint8Array(new ArrayBuffer(56));
  readonly #msg32 = new Uint32Array(this.#msg.buffer);
  readonly #iov32 = new Uint32Array(new ArrayBuffer(16));
  readonly #control = new ArrayBuffer(64);
  readonly #control32 = new Uint32Array(this.#control);
  /** Arrival time of the last successful read (realtime ms; the read time when the kernel gave none). */
  arrivalMs = 0;

  constructor() {
    put64(this.#msg32, 16, addressOf(this.#iov32.buffer as ArrayBuffer));
    put64(this.#msg32, 24, 1);
    put64(this.#msg32, 32, addressOf(this.#control));
  }

  /** Reads at most `len` bytes to address `at` without blocking: bytes read, 0 at EOF, -1 with errno. */
  recv(fd: number, at: number, len: number): number {
    put64(this.#iov32, 0, at);
    put64(this.#iov32, 8, len);
    put64(this.#msg32, 40, 64); // msg_controllen
    this.#control32[2] = 0;
    const n = Number(libc().recvmsg(fd, this.#msg, MSG_DONTWAIT));
    if (n > 0) {
      const c = this.#control32;
      const stamped = this.#msg32[10] >= 32 && c[2] === SOL_SOCKET && c[3] === SO_TIMESTAMPNS;
      this.arrivalMs = stamped ? (c[4] + c[5] * 0x1_0000_0000) * 1000 + c[6] / 1e6 : realtimeMs();
    }
    return n;
  }
}

/** Raises the open-file soft limit to the hard limit; returns [soft, hard] after the change. */
export function raiseFileLimit(): [number, number] {
  const c = libc();
  const lim = new BigUint64Array(2);
  const bytes = new Uint8Array(lim.buffer);
  check(c.getrlimit(RLIMIT_NOFILE, bytes), "getrlimit");
  if (lim[0] < lim[1]) {
    lim[0] = lim[1];
    c.setrlimit(RLIMIT_NOFILE, bytes);
    c.getrlimit(RLIMIT_NOFILE, bytes);
  }
  return [Number(lim[0]), Number(lim[1])];
}

/** A non-blocking TCP socket listening on `host:port` (SO_REUSEADDR); throws when it cannot bind. */
export function tcpListener(host: string, port: number, backlog = 4096): number {
  const c = libc();
  const fd = check(c.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket");
  setIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  if (c.bind(fd, sockaddrIn(host, port), 16) < 0 || c.listen(fd, backlog) < 0) {
    const e = errno();
    c.close(fd);
    throw new Error(`listen ${host}:${port} failed: errno ${e}`);
  }
  return fd;
}
