/**
 * MediaMTX's control API v3 over HTTP: `Server: mediamtx`, CORS and preflight, authentication of
 * every request with action `api`, then the routes of the running servers. Unknown routes (and
 * wrong methods) answer gin's `404 page not found` in plain text after authentication.
 */
import type { Authenticator } from "../auth/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { HttpRemote } from "../transport/mod.ts";
import { ApiError } from "./api_error.ts";
import type { ConfigApiRequest, ConfigApiResponse } from "./config_api.ts";
import {
  applyCors,
  authenticateHttpRequest,
  ClientIpResolver,
  type CorsPolicy,
  type HttpAuthentication,
  jsonResponse,
  notFoundResponse,
} from "./http_surface/mod.ts";
import { runtimeRoute } from "./runtime_routes.ts";
import type { StatusSource } from "./status_types.ts";

const CONFIG_PREFIX = "/v3/config/";

/** What the router needs from the running server. */
export interface ApiRouterOptions {
  /** Version shown by `/v3/info` (`v` + our version). */
  version: string;
  /** Process start, epoch ms. */
  startedMs: number;
  allowOrigins: readonly string[];
  trustedProxies: readonly string[];
  auth: Authenticator;
  status: StatusSource;
  /** Closes the session with this UUID on the RTSP (false) or RTSPS (true) server; false when absent. */
  kick(secure: boolean, id: string): boolean;
  /** `POST /v3/auth/jwks/refresh`. */
  refreshJwks?: () => void;
  /** `/v3/config/*`; without it those routes are 404. */
  config?: (req: ConfigApiRequest) => Promise<ConfigApiResponse>;
  log: Logger;
  /** The pause before answering wrong credentials, ms (MediaMTX's random [0 s, 4 s) by default; tests shorten it). */
  failurePauseMs?: () => number;
}

/** The request, as route handlers see it. */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

/** A route's answer: JSON with a status. */
export interface ApiReply {
  status: number;
  body: unknown;
}

/** Answers control API requests. */
export class ApiRouter {
  readonly #o: ApiRouterOptions;
  readonly #log: Logger;
  readonly #cors: CorsPolicy;
  readonly #auth: HttpAuthentication;

  constructor(options: ApiRouterOptions) {
    this.#o = options;
    this.#log = options.log.with("[API]");
    this.#cors = {
      allowOrigins: options.allowOrigins,
      allowMethods: "OPTIONS, GET, POST, PATCH, DELETE",
      allowHeaders: "Authorization, Content-Type",
    };
    this.#auth = {
      action: "api",
      auth: options.auth,
      clientIp: new ClientIpResolver(options.trustedProxies),
      log: this.#log,
      failurePauseMs: options.failurePauseMs,
    };
  }

  /** The HTTP handler (never throws). */
  handle = async (req: Request, remote: HttpRemote): Promise<Response> => {
    const headers = new Headers({ Server: "mediamtx" });
    const preflight = applyCors(req, this.#cors, headers);
    if (preflight !== undefined) return preflight;
    const refused = await authenticateHttpRequest(req, remote, headers, this.#auth);
    if (refused !== undefined) return refused;
    const url = new URL(req.url);
    const apiReq: ApiRequest = { method: req.method, path: url.pathname, query: url.searchParams };
    let reply: ApiReply | undefined;
    try {
      if (url.pathname.startsWith(CONFIG_PREFIX)) {
        if (this.#o.config === undefined) return notFoundResponse(headers);
        const body = req.method === "GET" || req.method === "HEAD" ? "" : await req.text();
        reply = await this.#o.config({
          method: req.method,
          route: url.pathname.slice(CONFIG_PREFIX.length),
          query: url.searchParams,
          body,
        });
      } else {
        reply = runtimeRoute(apiReq, this.#o);
      }
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(500, (e as Error).message);
      reply = { status: err.status, body: { status: "error", error: err.message } };
    }
    if (reply === undefined) return notFoundResponse(headers);
    const body = reply.body as { status?: string; error?: string } | null;
    if (reply.status >= 400 && body?.status === "error") this.#log.error(String(body.error));
    return jsonResponse(reply.status, reply.body, headers);
  };
}
