/**
 * A small HTTP(S) server for the operational surfaces (control API, metrics): TCP, TLS or a Unix
 * socket, one handler `(Request, remote) => Response`. Protocol details stay with the caller.
 */

/** The peer of one request. `hostname` is "" on a Unix socket. */
export interface HttpRemote {
  hostname: string;
  port: number;
}

/** Answers one request. Must not throw (a thrown error becomes a bare 500). */
export type HttpHandler = (req: Request, remote: HttpRemote) => Response | Promise<Response>;

/** Where and how to listen. */
export interface HttpListenerOptions {
  /** `{hostname, port}` (port 0 = any free port) or `{path}` of a Unix socket. */
  address: { hostname: string; port: number } | { path: string };
  /** HTTPS with these PEM files. */
  tls?: { certFile: string; keyFile: string };
  handler: HttpHandler;
  /** Told about errors the handler let escape. */
  onError?: (error: unknown) => void;
}

/** A running HTTP listener; `close()` stops accepting and ends open connections. */
export class HttpListener {
  readonly #server: Deno.HttpServer;
  readonly #addr: Deno.Addr;
  #closed = false;

  private constructor(server: Deno.HttpServer) {
    this.#server = server;
    this.#addr = server.addr;
  }

  /** Binds and starts serving; throws (naming the address) when binding or the TLS files fail. */
  static start(opts: HttpListenerOptions): HttpListener {
    const handler = async (req: Request, info: Deno.ServeHandlerInfo<Deno.Addr>): Promise<Response> => {
      const addr = info.remoteAddr;
      const remote = addr.transport === "tcp" || addr.transport === "udp"
        ? { hostname: addr.hostname, port: addr.port }
        : { hostname: "", port: 0 };
      try {
        return await opts.handler(req, remote);
      } catch (e) {
        opts.onError?.(e);
        return new Response(null, { status: 500 });
      }
    };
    const onError = (e: unknown) => {
      opts.onError?.(e);
      return new Response(null, { status: 500 });
    };
    const common = { handler, onError, onListen: () => {} };
    const label = "path" in opts.address
      ? `unix://${opts.address.path}`
      : `${opts.address.hostname}:${opts.address.port}`;
    let tls: { cert: string; key: string } | undefined;
    if (opts.tls !== undefined) {
      tls = {
        cert: readPem(opts.tls.certFile, "certificate"),
        key: readPem(opts.tls.keyFile, "key"),
      };
    }
    let server: Deno.HttpServer;
    try {
      if ("path" in opts.address) {
        server = Deno.serve({ ...common, transport: "unix", path: opts.address.path });
      } else {
        server = Deno.serve({ ...common, hostname: opts.address.hostname, port: opts.address.port, ...tls });
      }
    } catch (e) {
      throw new Error(`cannot listen on ${label}: ${(e as Error).message}`);
    }
    return new HttpListener(server);
  }

  /** The TCP port bound (0 on a Unix socket). */
  get port(): number {
    return this.#addr.transport === "tcp" ? this.#addr.port : 0;
  }

  /** `host:port` or the socket path, for log lines. */
  get address(): string {
    const a = this.#addr;
    return a.transport === "tcp" ? `${a.hostname}:${a.port}` : a.transport === "unix" ? a.path : "";
  }

  /** Stops the listener and open connections. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#server.shutdown().catch(() => {});
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function readPem(path: string, what: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    throw new Error(`cannot read the TLS ${what} ${path}: ${(e as Error).message}`);
  }
}
