/**
 * The HTTP side of `/metrics`, as MediaMTX answers it: CORS preflight first (204), then
 * authentication with action `metrics` (401 with a JSON error; a challenge when the client sent no
 * credentials, else a warning and a pause against brute force), then `GET /metrics` (200,
 * `text/plain; charset=utf-8`) or gin's plain `404 page not found`. Every answer says `Server: mediamtx`.
 */

import {
  applyCors,
  authenticateHttpRequest,
  ClientIpResolver,
  type CorsPolicy,
  type HttpAuthentication,
  notFoundResponse,
  type StatusSource,
} from "../api/mod.ts";
import type { Authenticator } from "../auth/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { HttpRemote } from "../transport/mod.ts";
import { formatMetrics } from "./metrics_format.ts";
import { parseMetricsFilter } from "./metrics_filter.ts";

/** What the handler needs: plain values, no configuration object. */
export interface MetricsHandlerOptions {
  status: StatusSource;
  /** Checks action `metrics`; undefined lets everyone in. */
  auth?: Authenticator;
  /** `metricsAllowOrigins`. */
  allowOrigins: readonly string[];
  /** `metricsTrustedProxies`. */
  trustedProxies: readonly string[];
  /** Tagged `[metrics]` by the caller. */
  log: Logger;
  /** Pause before answering wrong credentials, in ms; MediaMTX's uniform [0 s, 4 s) by default. */
  failurePauseMs?: () => number;
}

/** Builds the request handler of the metrics listener. */
export function createMetricsHandler(
  opts: MetricsHandlerOptions,
): (req: Request, remote: HttpRemote) => Promise<Response> {
  const cors: CorsPolicy = {
    allowOrigins: opts.allowOrigins,
    allowMethods: "OPTIONS, GET",
    allowHeaders: "Authorization",
  };
  const auth: HttpAuthentication | undefined = opts.auth === undefined ? undefined : {
    action: "metrics",
    auth: opts.auth,
    clientIp: new ClientIpResolver(opts.trustedProxies),
    log: opts.log,
    failurePauseMs: opts.failurePauseMs,
  };
  return async (req, remote) => {
    const headers = new Headers({ Server: "mediamtx" });
    const preflight = applyCors(req, cors, headers);
    if (preflight !== undefined) return preflight;
    if (auth !== undefined) {
      const refused = await authenticateHttpRequest(req, remote, headers, auth);
      if (refused !== undefined) return refused;
    }
    const url = new URL(req.url);
    if (req.method === "GET" && url.pathname === "/metrics") {
      headers.set("Content-Type", "text/plain; charset=utf-8");
      return new Response(formatMetrics(opts.status, parseMetricsFilter(url.searchParams)), { headers });
    }
    return notFoundResponse(headers);
  };
}
