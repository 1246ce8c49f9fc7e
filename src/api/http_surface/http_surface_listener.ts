import type { Logger } from "../../log/mod.ts";
import { type HttpHandler, HttpListener, type HttpListenerOptions } from "../../transport/mod.ts";

/** Where and how an HTTP surface listens, and what it answers. */
export interface HttpSurfaceListenerOptions {
  address: HttpListenerOptions["address"];
  /** HTTPS with these files (`apiServerCert`/`apiServerKey`, `metricsServerCert`/`metricsServerKey`). */
  tls?: { certFile: string; keyFile: string };
  handler: HttpHandler;
  /** Already tagged with the surface (`[API]`, `[metrics]`). */
  log: Logger;
  /** The address for the `listener opened on …` line, from the bound port; the listener's own by default. */
  describe?: (port: number) => string;
}

/**
 * The listener of one of MediaMTX's HTTP surfaces (control API, metrics): opens at construction
 * (throws when the address is taken or a TLS file cannot be read), logs `listener opened on …` and
 * `listener is closing`, and logs request failures.
 */
export class HttpSurfaceListener implements AsyncDisposable {
  readonly #listener: HttpListener;
  readonly #log: Logger;

  constructor(opts: HttpSurfaceListenerOptions) {
    this.#log = opts.log;
    this.#listener = HttpListener.start({
      address: opts.address,
      tls: opts.tls,
      handler: opts.handler,
      onError: (e) => this.#log.error(`request failed: ${e instanceof Error ? e.message : String(e)}`),
    });
    const address = opts.describe?.(this.#listener.port) ?? this.#listener.address;
    this.#log.info(`listener opened on ${address}`);
  }

  /** The bound TCP port (0 on a Unix socket). */
  get port(): number {
    return this.#listener.port;
  }

  /** Closes the listener. */
  async close(): Promise<void> {
    this.#log.info("listener is closing");
    await this.#listener.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
