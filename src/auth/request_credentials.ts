import { parseAuthorization } from "../wire/rtsp/headers/mod.ts";
import type { AuthRequest } from "./authenticator.ts";

/** What a request carries for external authorizers: user, password and token (any may be ""). */
export interface RequestCredentials {
  user: string;
  password: string;
  /** A JWT: the Basic password when there is one, else `?token=` (current), else `?jwt=` (legacy). */
  token: string;
}

/**
 * Reads the credentials of a request as MediaMTX does for RTSP: the Basic password doubles as
 * the token; without one, the query's `token` or `jwt` parameter counts if it occurs exactly
 * once (unless `req.queryTokens` is false). Digest carries a user but no password. Throws SyntaxError on an unreadable header.
 */
export function requestCredentials(req: AuthRequest): RequestCredentials {
  let user = "";
  let password = "";
  if (req.authorization !== undefined) {
    const creds = parseAuthorization(req.authorization);
    if (creds.method === "Basic") {
      user = creds.user;
      password = creds.password;
    } else {
      user = creds.params.username ?? "";
    }
  }
  let token = password;
  if (token === "" && req.queryTokens !== false) {
    const params = new URLSearchParams(req.query ?? "");
    for (const key of ["token", "jwt"]) {
      const values = params.getAll(key);
      if (values.length === 1) {
        token = values[0];
        break;
      }
    }
  }
  return { user, password, token };
}

/** Whether the client supplied anything at all (else a refusal becomes a challenge). */
export function hasCredentials(c: RequestCredentials): boolean {
  return c.user !== "" || c.password !== "" || c.token !== "";
}

/** `http://user:pass@host/x` → `http://host/x`, for log lines. */
export function redactAddress(address: string): string {
  return address.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}
