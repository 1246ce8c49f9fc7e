import type { StatusSource } from "../api/status_types.ts";
import type { Authenticator } from "../auth/mod.ts";
import type { Logger } from "../log/logger.ts";
import { formatNetAddr } from "../transport/byte_stream.ts";
import { HttpListener } from "../transport/http_listener.ts";
import { createMetricsHandler } from "./metrics_handler.ts";

/** Options of the metrics listener (`metrics*` keys, as plain values). */
export interface MetricsServerOptions {
  hostname: string;
  /** 0 picks a free port. */
  port: number;
  /** The address as configured (`metricsAddress`), for the log line, as MediaMTX prints it. */
  address?: string;
  /** `metricsEncryption`: HTTPS with these files (`metricsServerCert`, `metricsServerKey`). */
  tls?: { certFile: string; keyFile: string };
  allowOrigins: readonly string[];
  trustedProxies: readonly string[];
  status: StatusSource;
  auth?: Authenticator;
  log: Logger;
  /** See `MetricsHandlerOptions.failurePauseMs`. */
  failurePauseMs?: () => number;
}

/** The Prometheus endpoint `GET /metrics` on its own listener (`metricsAddress`, default :9998). */
export class MetricsServer implements AsyncDisposable {
  readonly #listener: HttpListener;
  readonly #log: Logger;

  /** Opens the listener; throws when the address is taken or a TLS file cannot be read. */
  constructor(opts: MetricsServerOptions) {
    this.#log = opts.log.with("[metrics]");
    this.#listener = HttpListener.start({
      address: { hostname: opts.hostname, port: opts.port },
      tls: opts.tls,
      handler: createMetricsHandler({ ...opts, log: this.#log }),
      onError: (e) => this.#log.error(`request failed: ${e instanceof Error ? e.message : String(e)}`),
    });
    const address = opts.address !== undefined && opts.port !== 0
      ? opts.address
      : formatNetAddr({ hostname: opts.hostname, port: this.#listener.port });
    this.#log.info(`listener opened on ${address} (TCP/${opts.tls === undefined ? "HTTP" : "HTTPS"})`);
  }

  /** The bound port. */
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
