/**
 * MediaMTX's control API v3 over HTTP: `Server: mediamtx`, CORS and preflight, authentication of
 * every request with action `api`, then the routes of the running servers. Unknown routes (and
 * wrong methods) answer gin's `404 page not found` in plain text after authentication.
 */
import type { Authenticator } from "../auth/mod.ts";
import type { Logger } from "../log/logger.ts";
import type { HttpRemote } from "../transport/http_listener.ts";
import { ApiError } from "./api_error.ts";
import { apiCredentials, basicAuthorization, hasApiCredentials, TrustedProxies } from "./api_credentials.ts";
import type { ConfigApiRequest, ConfigApiResponse } from "./config_api.ts";
import { allowedOrigin, CORS_ALLOW_HEADERS, CORS_ALLOW_METHODS } from "./cors.ts";
import { runtimeRoute } from "./runtime_routes.ts";
import type { StatusSource } from "./status_types.ts";

/** Upper bound of the random pause before answering wrong credentials (MediaMTX: uniform in [0 s, 4 s)). */
const DEFAULT_AUTH_FAILURE_DELAY_MS = 4000;
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
  /** Upper bound of the random auth-failure pause, ms (tests shorten it). */
  authFailureDelayMs?: number;
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
  readonly #proxies: TrustedProxies;
  readonly #log: Logger;

  constructor(options: ApiRouterOptions) {
    this.#o = options;
    this.#proxies = new TrustedProxies(options.trustedProxies);
    this.#log = options.log.with("[API]");
  }

  /** The HTTP handler (never throws). */
  handle = async (req: Request, remote: HttpRemote): Promise<Response> => {
    const headers = new Headers({ Server: "mediamtx" });
    const origin = allowedOrigin(this.#o.allowOrigins, req.headers.get("Origin"));
    if (origin !== undefined) headers.set("Access-Control-Allow-Origin", origin);
    if (req.method === "OPTIONS" && req.headers.has("Access-Control-Request-Method")) {
      headers.set("Access-Control-Allow-Methods", CORS_ALLOW_METHODS);
      headers.set("Access-Control-Allow-Headers", CORS_ALLOW_HEADERS);
      return new Response(null, { status: 204, headers });
    }
    const url = new URL(req.url);
    if (!await this.#authenticate(req, url, remote, headers)) {
      return json(401, { status: "error", error: "authentication error" }, headers);
    }
    const apiReq: ApiRequest = { method: req.method, path: url.pathname, query: url.searchParams };
    let reply: ApiReply | undefined;
    try {
      if (url.pathname.startsWith(CONFIG_PREFIX)) {
        if (this.#o.config === undefined) return notFound(headers);
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
    if (reply === undefined) return notFound(headers);
    const body = reply.body as { status?: string; error?: string } | null;
    if (reply.status >= 400 && body?.status === "error") this.#log.error(String(body.error));
    return json(reply.status, reply.body, headers);
  };

  async #authenticate(req: Request, url: URL, remote: HttpRemote, headers: Headers): Promise<boolean> {
    const creds = apiCredentials(req.headers.get("Authorization"));
    // A Unix-socket peer has no address; only local processes can reach the socket.
    const peer = remote.hostname === "" ? "127.0.0.1" : remote.hostname;
    const ip = this.#proxies.clientIp(peer, req.headers.get("X-Forwarded-For"));
    const result = await this.#o.auth.check({
      action: "api",
      path: "",
      ip,
      method: req.method,
      authorization: basicAuthorization(creds),
      nonce: "",
      query: url.search.slice(1),
      userAgent: req.headers.get("User-Agent") ?? "",
    });
    if (result.kind === "ok") return true;
    if (!hasApiCredentials(creds)) {
      headers.set("WWW-Authenticate", 'Basic realm="mediamtx"');
      return false;
    }
    const reason = result.kind === "denied" ? result.reason : "authentication failed";
    this.#log.warn(`[conn ${remote.hostname}:${remote.port}] failed to authenticate: ${reason}`);
    const max = this.#o.authFailureDelayMs ?? DEFAULT_AUTH_FAILURE_DELAY_MS;
    const pause = max * (crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32);
    await new Promise((r) => setTimeout(r, pause));
    return false;
  }
}

/** Compact JSON as Go's encoder writes it (`<`, `>`, `&` escaped). */
function json(status: number, body: unknown, headers: Headers): Response {
  const text = JSON.stringify(body).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  headers.set("Content-Type", "application/json; charset=utf-8");
  return new Response(text, { status, headers });
}

/** gin's default answer for a missing route. */
function notFound(headers: Headers): Response {
  headers.set("Content-Type", "text/plain");
  return new Response("404 page not found", { status: 404, headers });
}
