/**
 * The HTTP side of `/metrics`, as MediaMTX answers it: CORS preflight first (204), then
 * authentication with action `metrics` (401 with a JSON error; a challenge when the client sent no
 * credentials, else a warning and a pause against brute force), then `GET /metrics` (200,
 * `text/plain; charset=utf-8`) or gin's plain `404 page not found`. Every answer says `Server: mediamtx`.
 */

import type { StatusSource } from "../api/status_types.ts";
import type { Authenticator } from "../auth/mod.ts";
import { httpAuthorization, httpAuthQuery } from "../auth/mod.ts";
import type { Logger } from "../log/logger.ts";
import { formatNetAddr, type NetAddr } from "../transport/byte_stream.ts";
import { allowedOrigin } from "./allowed_origin.ts";
import { ClientIpResolver } from "./client_ip.ts";
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

/** The JSON error MediaMTX's HTTP surfaces answer with. */
const AUTH_ERROR = JSON.stringify({ status: "error", error: "authentication error" });

/** Builds the request handler of the metrics listener. */
export function createMetricsHandler(
  opts: MetricsHandlerOptions,
): (req: Request, remote: NetAddr) => Promise<Response> {
  const clientIp = new ClientIpResolver(opts.trustedProxies);
  const pause = opts.failurePauseMs ?? randomPauseMs;
  return async (req, remote) => {
    const headers = new Headers({ Server: "mediamtx" });
    const origin = allowedOrigin(req.headers.get("Origin"), opts.allowOrigins);
    if (origin !== undefined) headers.set("Access-Control-Allow-Origin", origin);

    if (req.method === "OPTIONS" && req.headers.get("Access-Control-Request-Method") !== null) {
      headers.set("Access-Control-Allow-Methods", "OPTIONS, GET");
      headers.set("Access-Control-Allow-Headers", "Authorization");
      return new Response(null, { status: 204, headers });
    }

    const url = new URL(req.url);
    if (opts.auth !== undefined) {
      const result = await opts.auth.check({
        action: "metrics",
        path: "",
        ip: clientIp.resolve(remote.hostname, req.headers.get("X-Forwarded-For")),
        method: req.method,
        authorization: httpAuthorization(req.headers.get("Authorization")),
        nonce: "",
        query: httpAuthQuery(url.search.slice(1)),
        protocol: "",
        userAgent: "",
      });
      if (result.kind !== "ok") {
        headers.set("Content-Type", "application/json; charset=utf-8");
        if (result.kind === "challenge") {
          headers.set("WWW-Authenticate", 'Basic realm="mediamtx"');
        } else {
          opts.log.warn(`connection ${formatNetAddr(remote)} failed to authenticate: ${result.reason}`);
          await new Promise((resolve) => setTimeout(resolve, pause()));
        }
        return new Response(AUTH_ERROR, { status: 401, headers });
      }
    }

    if (req.method === "GET" && url.pathname === "/metrics") {
      headers.set("Content-Type", "text/plain; charset=utf-8");
      return new Response(formatMetrics(opts.status, parseMetricsFilter(url.searchParams)), { headers });
    }
    headers.set("Content-Type", "text/plain");
    return new Response("404 page not found", { status: 404, headers });
  };
}

/** A crypto-random pause in [0, 4000) ms (4000 if the random source fails), as MediaMTX's. */
function randomPauseMs(): number {
  try {
    return crypto.getRandomValues(new Uint32Array(1))[0] % 4000;
  } catch {
    return 4000;
  }
}
