import { Duplex } from "node:stream";
import { createSecureContext, type SecureContext, TLSSocket } from "node:tls";
import type { ByteStream, NetAddr } from "./byte_stream.ts";
import { NodeTlsStream } from "./node_tls_stream.ts";

/** Certificate and key files of a TLS listener (`rtspServerCert`, `rtspServerKey`). */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** Options of a ReloadingTlsListener. */
export interface TlsListenerOptions extends TlsFiles {
  hostname: string;
  port: number;
  /** Every connection whose TLS handshake completed. */
  onConn: (stream: ByteStream) => void;
  /** A handshake that failed or did not complete in time (the connection is already closed). */
  onHandshakeFailed?: (remote: NetAddr, reason: string) => void;
  /** Asked for every accepted connection before its handshake; false closes it at once. */
  admit?: (remote: NetAddr) => boolean;
  /** Time allowed for the whole handshake, in ms; 10 s by default. */
  handshakeTimeoutMs?: number;
  /** Reports reloads and reload failures. */
  onReload?: (result: { ok: true } | { ok: false; error: string }) => void;
  /** How often the files are checked for changes, in ms. */
  pollIntervalMs?: number;
}

/** Reads the PEM files; the error names the file that cannot be read. */
function readTlsFiles(files: TlsFiles): { cert: string; key: string } {
  const read = (path: string, what: string) => {
    try {
      return Deno.readTextFileSync(path);
    } catch (e) {
      throw new Error(`cannot read the TLS ${what} '${path}': ${(e as Error).message}`);
    }
  };
  return {
    cert: read(files.certFile, "certificate (rtspServerCert)"),
    key: read(files.keyFile, "key (rtspServerKey)"),
  };
}

function fileStamp(path: string): string {
  try {
    const st = Deno.statSync(path);
    return `${st.mtime?.getTime()}:${st.size}:${st.ino}`;
  } catch {
    return "missing";
  }
}

/**
 * A TLS listener that picks up new certificate files without a restart.
 *
 * The files are polled (robust to editors, certbot and Kubernetes secrets, which replace files by
 * rename); on change a new secure context is built and used for the next handshakes. Established
 * connections are untouched, so no session is dropped. Invalid new files are reported and the old
 * certificate stays.
 *
 * TCP is accepted with `Deno.listen` and the handshake runs in node:tls over that socket, which
 * stays ours: a handshake that does not complete within `handshakeTimeoutMs` is cut by closing
 * it, which really closes it (see NodeTlsStream for why `Deno.listenTls` cannot).
 */
export class ReloadingTlsListener {
  readonly #opts: TlsListenerOptions;
  readonly #listener: Deno.Listener;
  #context: SecureContext;
  #stamp: string;
  #timer: ReturnType<typeof setInterval>;
  #closed = false;
  /** Connections whose handshake is running, closed by close(). */
  readonly #handshaking = new Set<Deno.Conn>();

  /** Reads the files and binds; throws with the file or the address that failed. */
  constructor(opts: TlsListenerOptions) {
    this.#opts = opts;
    this.#context = secureContextOf(opts);
    try {
      this.#listener = Deno.listen({ hostname: opts.hostname, port: opts.port, transport: "tcp" });
    } catch (e) {
      throw new Error(`cannot listen on TLS ${opts.hostname}:${opts.port}: ${(e as Error).message}`);
    }
    this.#stamp = this.#currentStamp();
    this.#timer = setInterval(() => this.#checkFiles(), opts.pollIntervalMs ?? 2000);
    this.#acceptLoop();
  }

  /** The bound port. */
  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  /** Connections whose handshake is still running. */
  get handshaking(): number {
    return this.#handshaking.size;
  }

  /** Calls `f` with the peer of every connection whose handshake is running. */
  forEachHandshaking(f: (remote: NetAddr) => void): void {
    for (const c of this.#handshaking) f(c.remoteAddr as Deno.NetAddr);
  }

  #currentStamp(): string {
    return `${fileStamp(this.#opts.certFile)}|${fileStamp(this.#opts.keyFile)}`;
  }

  async #acceptLoop(): Promise<void> {
    while (!this.#closed) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept() as Deno.TcpConn;
      } catch (e) {
        if (e instanceof Deno.errors.BadResource || this.#closed) return;
        await new Promise((r) => setTimeout(r, 100)); // EMFILE and the like: keep serving
        continue;
      }
      const r = conn.remoteAddr as Deno.NetAddr;
      if (this.#opts.admit?.({ hostname: r.hostname, port: r.port }) === false) {
        conn.close();
        continue;
      }
      this.#handshake(conn);
    }
  }

  #handshake(conn: Deno.TcpConn): void {
    const r = conn.remoteAddr as Deno.NetAddr;
    const l = conn.localAddr as Deno.NetAddr;
    const remote = { hostname: r.hostname, port: r.port };
    const local = { hostname: l.hostname, port: l.port };
    try {
      conn.setNoDelay(true);
    } catch {
      // the peer may already be gone
    }
    this.#handshaking.add(conn);
    const raw = connDuplex(conn);
    const tls = new TLSSocket(raw, { isServer: true, secureContext: this.#context });
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.#handshaking.delete(conn);
      tls.destroy();
      raw.destroy();
      this.#opts.onHandshakeFailed?.(remote, reason);
    };
    const timer = setTimeout(() => fail("handshake timed out"), this.#opts.handshakeTimeoutMs ?? 10_000);
    tls.once("error", (e: Error) => fail(e.message));
    tls.once("close", () => fail("connection closed during the handshake"));
    tls.once("secure", () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.#handshaking.delete(conn);
      const stream = new NodeTlsStream(tls, raw, remote, local);
      if (this.#closed) stream.close();
      else this.#opts.onConn(stream);
    });
  }

  #checkFiles(): void {
    const stamp = this.#currentStamp();
    if (stamp === this.#stamp || this.#closed) return;
    this.#stamp = stamp;
    this.reload();
  }

  /** Re-reads the files now; keeps the old certificate when the new files are not usable. */
  reload(): void {
    try {
      this.#context = secureContextOf(this.#opts);
    } catch (e) {
      this.#opts.onReload?.({ ok: false, error: (e as Error).message });
      return;
    }
    this.#opts.onReload?.({ ok: true });
  }

  /** Stops listening and drops pending handshakes (established connections stay open). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    for (const conn of this.#handshaking) conn.close();
    this.#handshaking.clear();
  }
}

/**
 * Reads and checks the files: node:tls accepts any text at context creation, so rustls judges
 * them first through a throw-away listener on an ephemeral loopback port.
 */
function secureContextOf(files: TlsFiles): SecureContext {
  const { cert, key } = readTlsFiles(files);
  try {
    Deno.listenTls(
      { hostname: "127.0.0.1", port: 0, cert, key } as Deno.ListenTlsOptions & Deno.TlsCertifiedKeyPem,
    )
      .close();
    return createSecureContext({ cert, key });
  } catch (e) {
    throw new Error(`invalid TLS certificate or key: ${(e as Error).message}`);
  }
}

/**
 * A node Duplex over a Deno TCP connection, for node:tls to run the handshake and the record
 * layer on: the connection stays ours, and `Deno.Conn.close()` really closes it.
 */
function connDuplex(conn: Deno.TcpConn): Duplex {
  const buf = new Uint8Array(16 * 1024);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      conn.close();
    } catch {
      // already closed
    }
  };
  const duplex = new Duplex({
    read() {
      conn.read(buf).then(
        (n) => this.push(n === null ? null : buf.slice(0, n)),
        (e) => closed ? this.push(null) : this.destroy(e),
      );
    },
    write(chunk: Uint8Array, _enc, done) {
      (async () => {
        for (let off = 0; off < chunk.length;) off += await conn.write(chunk.subarray(off));
      })().then(() => done(), done);
    },
    final(done) {
      conn.closeWrite().then(() => done(), () => done());
    },
    destroy(err, done) {
      close();
      done(err);
    },
  });
  // A reset surfaces through the TLS socket; an unheard 'error' here would end the process.
  duplex.on("error", () => {});
  return duplex;
}
