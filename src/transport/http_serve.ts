/**
 * A small HTTP(S) listener over `Deno.serve`, for the operational surfaces (metrics): the handler
 * gets each request with the client's address and returns a Response. Failures to bind or to read
 * the TLS files throw at start; a handler that throws answers 500 and never stops the listener.
 */

import type { NetAddr } from "./byte_stream.ts";

/** Options of `serveHttp`. */
export interface ServeHttpOptions {
  hostname: string;
  /** 0 picks a free port (see `HttpListener.port`). */
  port: number;
  /** HTTPS with these PEM files. */
  tls?: { certFile: string; keyFile: string };
  handler: (req: Request, remote: NetAddr) => Response | Promise<Response>;
  /** Called with a handler's exception before the 500 answer. */
  onError?: (error: unknown) => void;
}

/** A running listener. */
export interface HttpListener extends AsyncDisposable {
  /** The bound port. */
  readonly port: number;
  /** Stops accepting and ends open connections; resolves once the listener is gone. */
  close(): Promise<void>;
}

/** Opens the listener. Throws (e.g. `Deno.errors.AddrInUse`, `NotFound` for a TLS file) when it cannot. */
export function serveHttp(opts: ServeHttpOptions): HttpListener {
  const tls = opts.tls === undefined
    ? {}
    : { cert: Deno.readTextFileSync(opts.tls.certFile), key: Deno.readTextFileSync(opts.tls.keyFile) };
  const server = Deno.serve({
    hostname: opts.hostname,
    port: opts.port,
    ...tls,
    onListen: () => {}, // no "Listening on" line: the caller logs in MediaMTX's format
    onError: (error) => {
      opts.onError?.(error);
      return new Response(null, { status: 500 });
    },
  }, (req, info) => {
    const addr = info.remoteAddr as Deno.NetAddr;
    return opts.handler(req, { hostname: addr.hostname, port: addr.port });
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= server.shutdown().catch(() => {});
    return closing;
  };
  return {
    port: (server.addr as Deno.NetAddr).port,
    close,
    [Symbol.asyncDispose]: close,
  };
}
