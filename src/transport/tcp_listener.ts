/**
 * A plain TCP listener: accepts, filters by `admit`, turns Nagle off, and hands each connection
 * on as a ByteStream. Accept errors (EMFILE and friends) are reported, rate-limited by the
 * caller, and never end the loop. Each accepted socket's descriptor is looked up at once, while
 * it cannot have been recycled, for the FFI write fast path (tcp_sync_writer.ts).
 *
 * @module
 */
import { DenoConnStream, type NetAddr } from "./byte_stream.ts";
import { findTcpSocketFd, openLibc } from "./ffi_libc.ts";

/** Options of a TcpListener. */
export interface TcpListenerOptions {
  hostname: string;
  port: number;
  /** Whether to serve a new peer; refused connections are closed at once. */
  admit: (peer: NetAddr) => boolean;
  onConn: (stream: DenoConnStream) => void;
  /** accept() failed (e.g. too many open files); the loop pauses 100 ms and goes on. */
  onAcceptError: (message: string) => void;
}

/** Pause after a failed accept, so that EMFILE does not spin. */
const ACCEPT_ERROR_PAUSE_MS = 100;

export class TcpListener {
  readonly #opts: TcpListenerOptions;
  readonly #listener: Deno.Listener;
  readonly #loop: Promise<void>;
  #closed = false;

  /** Binds at once; throws with the address when it cannot. */
  constructor(opts: TcpListenerOptions) {
    this.#opts = opts;
    try {
      this.#listener = Deno.listen({ hostname: opts.hostname, port: opts.port, transport: "tcp" });
    } catch (e) {
      throw new Error(`cannot listen on TCP ${opts.hostname}:${opts.port}: ${(e as Error).message}`);
    }
    this.#loop = this.#accept();
  }

  /** The bound port. */
  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  async #accept(): Promise<void> {
    const lib = openLibc();
    while (!this.#closed) {
      let tcp: Deno.TcpConn;
      try {
        tcp = await this.#listener.accept() as Deno.TcpConn;
      } catch (e) {
        if (this.#closed) return;
        this.#opts.onAcceptError(`accept failed: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, ACCEPT_ERROR_PAUSE_MS));
        continue;
      }
      if (!this.#opts.admit(tcp.remoteAddr as Deno.NetAddr)) {
        tcp.close();
        continue;
      }
      try {
        // Nagle would hold small interleaved writes for tens of milliseconds.
        tcp.setNoDelay(true);
      } catch {
        // the peer may already be gone
      }
      const stream = new DenoConnStream(tcp, "tcp");
      if (lib !== undefined) stream.fd = findTcpSocketFd(lib, stream.localAddr, stream.remoteAddr) ?? null;
      this.#opts.onConn(stream);
    }
  }

  /** Stops accepting; established connections are not touched. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    await this.#loop;
  }
}

/** Opens a TCP connection with Nagle off (small RTSP requests must not wait). */
export async function dialTcp(hostname: string, port: number): Promise<DenoConnStream> {
  const conn = await Deno.connect({ hostname, port, transport: "tcp" });
  conn.setNoDelay(true);
  return new DenoConnStream(conn, "tcp");
}
