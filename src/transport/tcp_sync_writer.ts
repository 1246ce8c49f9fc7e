/**
 * Synchronous, non-blocking writes on a plain TCP connection through FFI (`sendmsg` with
 * MSG_DONTWAIT), for the StreamWriter's hot path: while the socket has room, a write is one
 * system call with no promise, timer or allocation; whatever the kernel does not take at once
 * goes through the stream's own async write, which waits for room (the writer keeps order).
 *
 * Only for `DenoConnStream`s of kind "tcp" over IPv4, also behind the sniffer's PrefixedStream
 * (whose writes go straight through); TLS and tunnels must encode their bytes themselves,
 * and only when FFI is available (see ffi_libc.ts); otherwise `tcpSyncWriter` returns undefined.
 * The descriptor is the one TcpListener looked up at accept (else it is found by the connection's
 * address pair on first use); it is never used once the stream is closed, so a recycled
 * descriptor number is never written to.
 *
 * @module
 */
import { type ByteStream, DenoConnStream } from "./byte_stream.ts";
import { PrefixedStream } from "./prefixed_stream.ts";
import {
  addressOf,
  EAGAIN,
  EINTR,
  errno,
  findTcpSocketFd,
  type Libc,
  MSG_DONTWAIT,
  MSG_NOSIGNAL,
  openLibc,
  put64,
} from "./ffi_libc.ts";

/** Writes without blocking from a scratch buffer (shared: fill it and write in the same turn). */
export interface SyncWriter {
  /** Scratch buffer: `write(n)` sends its first `n` bytes. */
  readonly buffer: Uint8Array;
  /**
   * Sends the first `n` bytes of `buffer` without blocking. Returns how many the kernel took
   * (0 when the socket is full), or -1 when this path is unavailable (use the stream's own write
   * from now on). Throws when the connection failed (reset, broken pipe).
   */
  write(n: number): number;
  /**
   * Sends `chunk` from its own memory, without copying it into `buffer` (same results as
   * `write`). For large shared chunks (a stream's burst, written to every reader).
   */
  writeChunk(chunk: Uint8Array): number;
}

const SCRATCH_BYTES = 64 * 1024;
const ERRNO_TEXT: Record<number, string> = {
  32: "Broken pipe",
  104: "Connection reset by peer",
  110: "Connection timed out",
};

/** One scratch buffer and one msghdr for every connection: writes are synchronous. */
let shared: { buffer: Uint8Array; msg: Uint8Array; iov32: Uint32Array } | undefined;

function sharedLayout() {
  if (shared !== undefined) return shared;
  const buffer = new Uint8Array(new ArrayBuffer(SCRATCH_BYTES));
  const iov = new ArrayBuffer(16);
  const msg = new Uint8Array(new ArrayBuffer(56)); // struct msghdr, LP64
  const msg32 = new Uint32Array(msg.buffer);
  const iov32 = new Uint32Array(iov);
  put64(iov32, 0, addressOf(buffer.buffer));
  put64(msg32, 16, addressOf(iov)); // msg_iov
  put64(msg32, 24, 1); // msg_iovlen
  shared = { buffer, msg, iov32 };
  return shared;
}

class TcpSyncWriter implements SyncWriter {
  readonly buffer: Uint8Array;
  readonly #lib: Libc;
  readonly #stream: DenoConnStream;
  #fd: number | null | undefined;

  constructor(lib: Libc, stream: DenoConnStream) {
    this.#lib = lib;
    this.#stream = stream;
    this.buffer = sharedLayout().buffer;
  }

  write(n: number): number {
    const fd = this.#descriptor();
    if (fd === null) return -1;
    const s = sharedLayout();
    put64(s.iov32, 8, n);
    for (;;) {
      const r = Number(this.#lib.sendmsg(fd, s.msg, MSG_DONTWAIT | MSG_NOSIGNAL));
      if (r >= 0) return r;
      if (!this.#retry()) return 0;
    }
  }

  writeChunk(chunk: Uint8Array): number {
    const fd = this.#descriptor();
    if (fd === null) return -1;
    for (;;) {
      const r = Number(this.#lib.send(fd, chunk, BigInt(chunk.length), MSG_DONTWAIT | MSG_NOSIGNAL));
      if (r >= 0) return r;
      if (!this.#retry()) return 0;
    }
  }

  /** The socket's descriptor; null once closed or when it cannot be found. */
  #descriptor(): number | null {
    if (this.#stream.closed) return null;
    return this.#fd ??= this.#stream.fd ??
      findTcpSocketFd(this.#lib, this.#stream.localAddr, this.#stream.remoteAddr) ?? null;
  }

  /** After a failed call: true to retry (EINTR), false when the socket is full; throws on a real error. */
  #retry(): boolean {
    const code = errno(this.#lib);
    if (code === EINTR) return true;
    if (code === EAGAIN) return false;
    throw new Error(`${ERRNO_TEXT[code] ?? "write failed"} (os error ${code})`);
  }
}

/** A SyncWriter for `stream` when it is plain TCP and FFI is available, else undefined. */
export function tcpSyncWriter(stream: ByteStream): SyncWriter | undefined {
  while (stream instanceof PrefixedStream) stream = stream.inner;
  if (!(stream instanceof DenoConnStream) || stream.kind !== "tcp") return undefined;
  const lib = openLibc();
  return lib === undefined ? undefined : new TcpSyncWriter(lib, stream);
}
