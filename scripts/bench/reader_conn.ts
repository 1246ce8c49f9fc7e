/**
 * A lean RTSP client connection for the load process, on a raw non-blocking socket driven by the
 * Reactor: requests one at a time, then (TCP transport) interleaved frames parsed in place without
 * allocating. Optionally carried by an HTTP tunnel (GET half receives, POST half sends base64).
 *
 * @module
 */
import {
  addressOf,
  AF_INET,
  check,
  EAGAIN,
  EINPROGRESS,
  EPOLLOUT,
  errno,
  IPPROTO_TCP,
  libc,
  localPort,
  MSG_DONTWAIT,
  realtimeMs,
  setIntOption,
  SO_RCVBUF,
  SO_TIMESTAMPNS,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  sockaddrIn,
  SOL_SOCKET,
  StampedRecv,
  TCP_NODELAY,
} from "./libc.ts";
import type { Reactor } from "./reactor.ts";

/** An RTSP response, headers by lower-case name. */
export interface Response {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Receives one interleaved frame: channel, sequence number (RTP), arrival time. */
export type FrameHandler = (channel: number, seq: number, arrivalMs: number) => void;

/** Options of `ReaderConn.open`. */
export interface ReaderConnOptions {
  host: string;
  port: number;
  /** Receive buffer of this connection (bytes); 64 KiB by default. */
  bufferBytes?: number;
  /** SO_RCVBUF before connecting (the slow reader uses a small one). */
  socketReceiveBuffer?: number;
  /** Carry RTSP over an HTTP tunnel to this path. */
  tunnelPath?: string;
  /** RTSPS: a TLS control connection through Deno (its media then arrives on UDP sockets). */
  tls?: { caCerts: string[] };
}

const decoder = new TextDecoder();
const REQUEST_TIMEOUT_MS = 10_000;
const stamped = new StampedRecv();
const encoder = new TextEncoder();

async function connectSocket(reactor: Reactor, host: string, port: number, rcvbuf?: number): Promise<number> {
  const c = libc();
  const fd = check(c.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket");
  if (rcvbuf !== undefined) setIntOption(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf);
  setIntOption(fd, IPPROTO_TCP, TCP_NODELAY, 1);
  setIntOption(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
  if (c.connect(fd, sockaddrIn(host, port), 16) < 0 && errno() !== EINPROGRESS) {
    const e = errno();
    c.close(fd);
    throw new Error(`connect ${host}:${port} failed: errno ${e}`);
  }
  await new Promise<void>((resolve) => reactor.add(fd, () => resolve(), EPOLLOUT));
  reactor.remove(fd);
  return fd;
}

/** One reader's control connection (and, with TCP transport, its media). */
export class ReaderConn {
  readonly #reactor: Reactor;
  readonly #recvFd: number;
  readonly #sendFd: number;
  readonly #tunnel: boolean;
  readonly #tls: Deno.TlsConn | undefined;
  #tlsWrites: Promise<unknown> = Promise.resolve();
  readonly #buf: Uint8Array;
  #bufAt: number | undefined;
  #have = 0;
  #cseq = 0;
  #session = "";
  #pending: { resolve: (r: Response) => void; reject: (e: Error) => void } | undefined;
  #httpHeadPending: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #closed = false;
  /** Set for TCP transport after PLAY: every interleaved frame (hot path). */
  onFrame: FrameHandler | undefined;
  /** Bytes received on this connection. */
  bytes = 0;
  /** Why the connection failed (set once, e.g. "server closed the connection"). */
  failure: string | undefined;

  private constructor(
    reactor: Reactor,
    recvFd: number,
    sendFd: number,
    bufferBytes: number,
    tunnel: boolean,
    tls?: Deno.TlsConn,
  ) {
    this.#reactor = reactor;
    this.#recvFd = recvFd;
    this.#sendFd = sendFd;
    this.#tunnel = tunnel;
    this.#tls = tls;
    this.#buf = new Uint8Array(bufferBytes);
  }

  /** Connects (both tunnel halves when tunnelled) and starts reading. */
  static async open(reactor: Reactor, o: ReaderConnOptions): Promise<ReaderConn> {
    if (o.tls !== undefined) {
      const tls = await Deno.connectTls({ hostname: o.host, port: o.port, caCerts: o.tls.caCerts });
      const conn = new ReaderConn(reactor, -1, -1, o.bufferBytes ?? 65536, false, tls);
      conn.#readTls(tls);
      return conn;
    }
    const fd = await connectSocket(reactor, o.host, o.port, o.socketReceiveBuffer);
    if (o.tunnelPath === undefined) {
      const conn = new ReaderConn(reactor, fd, fd, o.bufferBytes ?? 65536, false);
      reactor.add(fd, () => conn.#onReadable());
      return conn;
    }
    const post = await connectSocket(reactor, o.host, o.port);
    const conn = new ReaderConn(reactor, fd, post, o.bufferBytes ?? 65536, true);
    reactor.add(fd, () => conn.#onReadable());
    const cookie = crypto.randomUUID().replaceAll("-", "").slice(0, 22);
    const head = (method: string, extra: string) =>
      `${method} /${o.tunnelPath} HTTP/1.0\r\nx-sessioncookie: ${cookie}\r\n${extra}Pragma: no-cache\r\n` +
      "Cache-Control: no-cache\r\n\r\n";
    const ok = new Promise<void>((resolve, reject) => (conn.#httpHeadPending = { resolve, reject }));
    conn.#write(fd, encoder.encode(head("GET", "Accept: application/x-rtsp-tunnelled\r\n")));
    await ok;
    conn.#write(
      post,
      encoder.encode(
        head("POST", "Content-Type: application/x-rtsp-tunnelled\r\nContent-Length: 32767\r\n"),
      ),
    );
    return conn;
  }

  /** The connection's local port (0 over TLS), which the server logs as the session's creator. */
  get localPort(): number {
    return this.#sendFd < 0 ? 0 : localPort(this.#sendFd);
  }

  /** The session id from the first SETUP answer. */
  get session(): string {
    return this.#session;
  }

  /** Sends a request and resolves with its response (one at a time). */
  request(method: string, url: string, headers: Record<string, string> = {}): Promise<Response> {
    if (this.#closed) return Promise.reject(new Error("connection closed"));
    if (this.#pending !== undefined) return Promise.reject(new Error("a request is already pending"));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = new Promise<Response>((resolve, reject) => {
      this.#pending = { resolve, reject };
      // An overloaded server may never answer: the reader then counts as failed.
      timer = setTimeout(() => this.#fail(new Error(`${method} timed out`)), REQUEST_TIMEOUT_MS);
    });
    this.#sendRequest(method, url, headers);
    return done.finally(() => clearTimeout(timer));
  }

  /** Sends a request whose response is ignored (keepalives while streaming). */
  fireAndForget(method: string, url: string): void {
    if (!this.#closed) this.#sendRequest(method, url, {});
  }

  /** Stops reading this connection's socket (the slow reader): the kernel buffers fill up. */
  stopReading(): void {
    this.#reactor.remove(this.#recvFd);
  }

  /** Closes the socket(s). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#tls !== undefined) {
      this.#tlsWrites.finally(() => this.#tls!.close()).catch(() => {});
      this.#pending?.reject(new Error("connection closed"));
      this.#pending = undefined;
      return;
    }
    const c = libc();
    for (const fd of new Set([this.#recvFd, this.#sendFd])) {
      this.#reactor.remove(fd);
      c.close(fd);
    }
    this.#pending?.reject(new Error("connection closed"));
    this.#pending = undefined;
  }

  #sendRequest(method: string, url: string, headers: Record<string, string>): void {
    let text = `${method} ${url} RTSP/1.0\r\nCSeq: ${++this.#cseq}\r\nUser-Agent: bench-load\r\n`;
    if (this.#session !== "") text += `Session: ${this.#session}\r\n`;
    for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\r\n`;
    text += "\r\n";
    const bytes = encoder.encode(text);
    this.#write(this.#sendFd, this.#tunnel ? encoder.encode(encodeBase64(bytes)) : bytes);
  }

  #write(fd: number, bytes: Uint8Array): void {
    if (this.#tls !== undefined) {
      const tls = this.#tls;
      this.#tlsWrites = this.#tlsWrites.then(() => tls.write(bytes)).catch((e) => this.#fail(e as Error));
      return;
    }
    // Requests are small: the socket buffer always has room (MSG_DONTWAIT never blocks the loop).
    const n = Number(libc().send(fd, bytes, BigInt(bytes.length), MSG_DONTWAIT));
    if (n !== bytes.length) {
      this.#fail(new Error(`short write on the control connection (${n}, errno ${errno()})`));
    }
  }

  #fail(e: Error): void {
    this.failure ??= e.message;
    this.#pending?.reject(e);
    this.#pending = undefined;
    this.#httpHeadPending?.reject(e);
    this.#httpHeadPending = undefined;
    this.close();
  }

  #onReadable(): void {
    const buf = this.#buf;
    this.#bufAt ??= addressOf(buf);
    for (;;) {
      const space = buf.length - this.#have;
      if (space === 0) return this.#fail(new Error("receive buffer full"));
      // The kernel's arrival time of what is read, not the time this process got to read it.
      const n = stamped.recv(this.#recvFd, this.#bufAt + this.#have, space);
      if (n < 0) {
        if (errno() === EAGAIN) return;
        return this.#fail(new Error(`recv failed: errno ${errno()}`));
      }
      if (n === 0) return this.#fail(new Error("server closed the connection"));
      this.bytes += n;
      this.#have += n;
      this.#parse(stamped.arrivalMs);
      if (n < space) return; // drained
    }
  }

  async #readTls(tls: Deno.TlsConn): Promise<void> {
    try {
      for (;;) {
        const n = await tls.read(this.#buf.subarray(this.#have));
        if (n === null) return this.#fail(new Error("server closed the connection"));
        this.bytes += n;
        this.#have += n;
        this.#parse(realtimeMs());
        if (this.#have === this.#buf.length) return this.#fail(new Error("receive buffer full"));
      }
    } catch (e) {
      if (!this.#closed) this.#fail(e as Error);
    }
  }

  #parse(arrivalMs: number): void {
    const buf = this.#buf;
    const have = this.#have;
    let off = 0;
    while (off < have) {
      if (buf[off] === 0x24) {
        if (have - off < 4) break;
        const len = (buf[off + 2] << 8) | buf[off + 3];
        if (have - off < 4 + len) break;
        if (len >= 4) this.onFrame?.(buf[off + 1], (buf[off + 6] << 8) | buf[off + 7], arrivalMs);
        off += 4 + len;
        continue;
      }
      const used = this.#parseMessage(off, have);
      if (used === 0) break;
      off += used;
    }
    if (off > 0) {
      buf.copyWithin(0, off, have);
      this.#have = have - off;
    }
  }

  /** Parses an RTSP (or the tunnel's HTTP) response head+body at `off`; returns bytes used, 0 if incomplete. */
  #parseMessage(off: number, have: number): number {
    const buf = this.#buf;
    let end = -1;
    for (let i = off; i + 3 < have; i++) {
      if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) {
        end = i + 4;
        break;
      }
    }
    if (end < 0) return 0;
    const head = decoder.decode(buf.subarray(off, end));
    const lines = head.split("\r\n");
    const headers = new Map<string, string>();
    for (const l of lines.slice(1)) {
      const i = l.indexOf(":");
      if (i > 0) headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
    }
    if (lines[0].startsWith("HTTP/")) {
      const status = Number(lines[0].split(" ")[1]);
      const p = this.#httpHeadPending;
      this.#httpHeadPending = undefined;
      if (status === 200) p?.resolve();
      else p?.reject(new Error(`tunnel GET answered ${lines[0]}`));
      return end - off;
    }
    if (!lines[0].startsWith("RTSP/")) {
      this.#fail(new Error(`unexpected data from the server: ${JSON.stringify(lines[0].slice(0, 40))}`));
      return 0;
    }
    const length = Number(headers.get("content-length") ?? "0");
    if (have - end < length) return 0;
    const body = decoder.decode(buf.subarray(end, end + length));
    const session = headers.get("session");
    if (session !== undefined && this.#session === "") this.#session = session.split(";")[0].trim();
    if (this.#httpHeadPending !== undefined) {
      // A server without tunnels answers the GET as an RTSP request.
      this.#fail(new Error(`tunnel GET answered ${lines[0]}`));
      return 0;
    }
    const p = this.#pending;
    this.#pending = undefined;
    p?.resolve({ status: Number(lines[0].split(" ")[1]), headers, body });
    return end - off + length;
  }
}

/** Standard base64 (RFC 4648 §4), for the tunnel's POST half. */
function encodeBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s);
}
