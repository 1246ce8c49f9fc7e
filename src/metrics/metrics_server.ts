import { HttpSurfaceListener, type StatusSource } from "../api/mod.ts";
import type { Authenticator } from "../auth/mod.ts";
import type { Logger } from "../log/mod.ts";
import { formatNetAddr } from "../transport/mod.ts";
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
export class MetricsServer extends HttpSurfaceListener {
  /** Opens the listener; throws when the address is taken or a TLS file cannot be read. */
  constructor(opts: MetricsServerOptions) {
    const log = opts.log.with("[metrics]");
    super({
      address: { hostname: opts.hostname, port: opts.port },
      tls: opts.tls,
      handler: createMetricsHandler({ ...opts, log }),
      log,
      describe: (port) => opened(opts, port),
    });
  }
}

/** The address of `listener opened on`: as configured (`:9998`), as MediaMTX prints it, or the port bound for 0. */
function opened(opts: MetricsServerOptions, port: number): string {
  const address = opts.address !== undefined && opts.port !== 0
    ? opts.address
    : formatNetAddr({ hostname: opts.hostname, port });
  return `${address} (TCP/${opts.tls === undefined ? "HTTP" : "HTTPS"})`;
}
