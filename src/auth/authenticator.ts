import { formatAuthenticate } from "../wire/rtsp/headers/mod.ts";
import type { AuthAction } from "./auth_user.ts";

/** Realm of the challenges, as MediaMTX sends it. */
export const REALM = "ipcam";

/** One request to authorize. */
export interface AuthRequest {
  action: AuthAction;
  /** Path name without slashes. */
  path: string;
  ip: string;
  /** RTSP method and request URI (Digest hashes them). */
  method: string;
  /** The `Authorization` header, if any. */
  authorization?: string;
  /** The connection's Digest nonce. */
  nonce: string;
  /** Raw query of the request URL (`?token=` / `?jwt=` carry JWTs), without `?`. */
  query?: string;
  /**
   * Whether `?token=` / `?jwt=` of `query` may carry a JWT; true when absent (RTSP). The HTTP
   * surfaces (API, metrics) say false: MediaMTX reads JWTs there from `Authorization` only, unless
   * its deprecated `authJWTInHTTPQuery` is set. The query still reaches an HTTP authorizer as it is.
   */
  queryTokens?: boolean;
  /** Protocol of the request as MediaMTX names it (`rtsp`). */
  protocol?: string;
  /** UUID of the connection or session asking, as MediaMTX's API shows it. */
  id?: string;
  /** The client's `User-Agent`, if any. */
  userAgent?: string;
}

/**
 * `ok`; `challenge` (no credentials: answer 401 with WWW-Authenticate, keep the connection);
 * `denied` (wrong credentials: 401, then close, as MediaMTX does).
 */
export type AuthResult = { kind: "ok"; user: string } | { kind: "challenge" } | {
  kind: "denied";
  reason: string;
};

/** Decides whether requests may proceed: `authMethod` internal, http or jwt. */
export interface Authenticator {
  /** Decides one request. Never throws: failures are `denied` with a reason. */
  check(req: AuthRequest): Promise<AuthResult>;
  /** `WWW-Authenticate` values for a challenge on a connection with `nonce`. */
  challenges(nonce: string): string[];
}

/** The challenges offered for `methods` (`rtspAuthMethods`). */
export function challengesFor(methods: readonly ("basic" | "digest")[], nonce: string): string[] {
  return methods.map((m) =>
    m === "basic"
      ? formatAuthenticate({ method: "Basic", params: { realm: REALM } })
      : formatAuthenticate({ method: "Digest", params: { realm: REALM, nonce, algorithm: "MD5" } })
  );
}
