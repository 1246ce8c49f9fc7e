/**
 * Authentication of a request to one of MediaMTX's HTTP surfaces (control API: action `api`;
 * `/metrics`: action `metrics`): credentials from `Authorization` (Basic, `Bearer user:pass`, or a
 * Bearer token), the client IP behind the surface's trusted proxies, then the shared
 * Authenticator. A refusal is `401 {"status":"error","error":"authentication error"}`: with a
 * `Basic realm="mediamtx"` challenge and no delay when the client sent no credentials, else after
 * a warning and MediaMTX's random brute-force pause.
 */
import { type AuthAction, type Authenticator, httpAuthorization } from "../../auth/mod.ts";
import type { Logger } from "../../log/mod.ts";
import type { HttpRemote } from "../../transport/mod.ts";
import type { ClientIpResolver } from "./client_ip.ts";
import { jsonResponse } from "./http_responses.ts";

/** What a surface authenticates with. */
export interface HttpAuthentication {
  action: Extract<AuthAction, "api" | "metrics">;
  auth: Authenticator;
  clientIp: ClientIpResolver;
  /** Already tagged with the surface (`[API]`, `[metrics]`). */
  log: Logger;
  /** The pause before answering wrong credentials, ms; `authFailurePauseMs` by default (tests shorten it). */
  failurePauseMs?: () => number;
}

/**
 * MediaMTX's brute-force brake on HTTP surfaces: uniform in [0 s, 4 s), crypto-random (4 s when the
 * random source fails).
 */
function authFailurePauseMs(): number {
  try {
    return crypto.getRandomValues(new Uint32Array(1))[0] % 4000;
  } catch {
    return 4000;
  }
}

/**
 * Checks `req` (from `remote`; a Unix-socket peer has hostname `""`). Resolves to the 401 answer
 * (carrying `headers`) when refused, undefined when allowed.
 */
export async function authenticateHttpRequest(
  req: Request,
  remote: HttpRemote,
  headers: Headers,
  opts: HttpAuthentication,
): Promise<Response | undefined> {
  const url = new URL(req.url);
  const authorization = httpAuthorization(req.headers.get("Authorization"));
  const result = await opts.auth.check({
    action: opts.action,
    path: "",
    ip: opts.clientIp.resolve(remote.hostname, req.headers.get("X-Forwarded-For")),
    method: req.method,
    authorization,
    nonce: "",
    query: url.search.slice(1),
    queryTokens: false,
    protocol: "",
    userAgent: req.headers.get("User-Agent") ?? "",
  });
  if (result.kind === "ok") return undefined;
  // MediaMTX decides from the request, not the verdict: nothing supplied → a challenge, at once.
  if (authorization === undefined) {
    headers.set("WWW-Authenticate", 'Basic realm="mediamtx"');
  } else {
    const peer = remote.hostname === "" ? "unix" : `${remote.hostname}:${remote.port}`;
    const reason = result.kind === "denied" ? result.reason : "authentication failed";
    opts.log.warn(`[conn ${peer}] failed to authenticate: ${reason}`);
    const ms = (opts.failurePauseMs ?? authFailurePauseMs)();
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }
  return jsonResponse(401, { status: "error", error: "authentication error" }, headers);
}
