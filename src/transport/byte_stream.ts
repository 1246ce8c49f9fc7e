/** A host and port as seen on a socket. */
export interface NetAddr {
  hostname: string;
  port: number;
}

/** What carries an RTSP connection: raw TCP, TLS, or a tunnel adapted into a byte stream. */
export type ByteStreamKind = "tcp" | "tls" | "http" | "websocket";

/**
 * A bidirectional byte stream: the one interface every carrier of RTSP implements,
 * so the server and client never know whether they sit on TCP, TLS or a tunnel.
 */
export interface ByteStream {
  readonly kind: ByteStreamKind;
  /** Whether the bytes are encrypted on the wire (TLS, https, wss). */
  readonly secure: boolean;
  readonly remoteAddr: NetAddr;
  readonly localAddr: NetAddr;
  /** Reads into `buf`; resolves to the byte count, or null at end of stream. */
  read(buf: Uint8Array): Promise<number | null>;
  /** Writes every byte of `data` (looping over partial writes). */
  write(data: Uint8Array): Promise<void>;
  /** Closes both directions; idempotent, never throws. */
  close(): void;
}

/** Formats an address as `1.2.3.4:5` or `[::1]:5`. */
export function formatNetAddr(addr: NetAddr): string {
  return addr.hostname.includes(":") ? `[${addr.hostname}]:${addr.port}` : `${addr.hostname}:${addr.port}`;
}

/** Adapts a Deno TCP or TLS connection to a ByteStream. */
export class DenoConnStream implements ByteStream {
  readonly kind: ByteStreamKind;
  readonly secure: boolean;
  readonly remoteAddr: NetAddr;
  readonly localAddr: NetAddr;
  /**
   * The socket's descriptor for FFI writes: looked up at accept (undefined: not looked up yet;
   * null: not found). Never used after close(), when the number may be recycled.
   */
  fd: number | null | undefined;
  #conn: Deno.Conn;
  #closed = false;

  constructor(conn: Deno.Conn, kind: "tcp" | "tls" = "tcp") {
    this.#conn = conn;
    this.kind = kind;
    this.secure = kind === "tls";
    const r = conn.remoteAddr as Deno.NetAddr;
    const l = conn.localAddr as Deno.NetAddr;
    this.remoteAddr = { hostname: r.hostname, port: r.port };
    this.localAddr = { hostname: l.hostname, port: l.port };
  }

  /** Whether close() was called (a descriptor must not be written to after it). */
  get closed(): boolean {
    return this.#closed;
  }

  read(buf: Uint8Array): Promise<number | null> {
    return this.#conn.read(buf);
  }

  async write(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.length) {
      off += await this.#conn.write(off === 0 ? data : data.subarray(off));
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // already closed by the peer or the runtime
    }
  }
}
