/** Certificate and key files of a TLS listener (`rtspServerCert`, `rtspServerKey`). */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** Options of a ReloadingTlsListener. */
export interface TlsListenerOptions extends TlsFiles {
  hostname: string;
  port: number;
  /** Every accepted connection (the TLS handshake is not done yet). */
  onConn: (conn: Deno.TlsConn) => void;
  /** Reports reloads and reload failures. */
  onReload?: (result: { ok: true } | { ok: false; error: string }) => void;
  /** How often the files are checked for changes, in ms. */
  pollIntervalMs?: number;
}

/** Reads the PEM files; the error names the file that cannot be read. */
export function readTlsFiles(files: TlsFiles): { cert: string; key: string } {
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
 * The files are polled (robust to editors, certbot and Kubernetes secrets, which
 * replace files by rename); on change a second listener opens on the same port with
 * SO_REUSEPORT, then the old one closes. Established connections are untouched, so no
 * session is dropped. Invalid new files are reported and the old certificate stays.
 */
export class ReloadingTlsListener {
  readonly #opts: TlsListenerOptions;
  #listener: Deno.TlsListener;
  #stamp: string;
  #timer: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(opts: TlsListenerOptions) {
    this.#opts = opts;
    this.#stamp = this.#currentStamp();
    this.#listener = this.#listen();
    this.#timer = setInterval(() => this.#checkFiles(), opts.pollIntervalMs ?? 2000);
  }

  /** The bound port. */
  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  #currentStamp(): string {
    return `${fileStamp(this.#opts.certFile)}|${fileStamp(this.#opts.keyFile)}`;
  }

  #listen(): Deno.TlsListener {
    const { cert, key } = readTlsFiles(this.#opts);
    let listener: Deno.TlsListener;
    try {
      listener = Deno.listenTls(
        {
          hostname: this.#opts.hostname,
          port: this.#opts.port,
          cert,
          key,
          reusePort: true,
        } as Deno.ListenTlsOptions & Deno.TlsCertifiedKeyPem,
      );
    } catch (e) {
      throw new Error(
        `cannot listen on TLS ${this.#opts.hostname}:${this.#opts.port}: ${(e as Error).message}`,
      );
    }
    this.#acceptLoop(listener);
    return listener;
  }

  async #acceptLoop(listener: Deno.TlsListener): Promise<void> {
    for (;;) {
      try {
        this.#opts.onConn(await listener.accept());
      } catch (e) {
        if (e instanceof Deno.errors.BadResource || this.#closed || listener !== this.#listener) return;
        await new Promise((r) => setTimeout(r, 100)); // EMFILE and the like: keep serving
      }
    }
  }

  #checkFiles(): void {
    const stamp = this.#currentStamp();
    if (stamp === this.#stamp || this.#closed) return;
    this.#stamp = stamp;
    this.reload();
  }

  /** Re-reads the files now; keeps the old listener when the new files are not usable. */
  reload(): void {
    let next: Deno.TlsListener;
    try {
      next = this.#listen();
    } catch (e) {
      this.#opts.onReload?.({ ok: false, error: (e as Error).message });
      return;
    }
    const old = this.#listener;
    this.#listener = next;
    try {
      old.close();
    } catch {
      // already closed
    }
    this.#opts.onReload?.({ ok: true });
  }

  /** Stops listening (established connections stay open). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
  }
}
