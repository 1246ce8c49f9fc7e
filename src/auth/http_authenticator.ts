import type { Logger } from "../log/mod.ts";
import type { AuthPermission } from "./auth_user.ts";
import { allows } from "./auth_user.ts";
import type { Authenticator, AuthRequest, AuthResult } from "./authenticator.ts";
import { challengesFor } from "./authenticator.ts";
import type { RequestCredentials } from "./request_credentials.ts";
import { hasCredentials, redactAddress, requestCredentials } from "./request_credentials.ts";

/** Options of `authMethod: http`. */
export interface HttpAuthenticatorOptions {
  /** `authHTTPAddress`: where each request is POSTed. */
  address: string;
  /** `authHTTPExclude`: requests matching these permissions are allowed without asking. */
  exclude: readonly AuthPermission[];
  /** Deadline of each call (MediaMTX uses readTimeout). */
  timeoutMs: number;
  /** `rtspAuthMethods` (only Basic makes sense: the authorizer needs the password). */
  methods: readonly ("basic" | "digest")[];
  log?: Logger;
}

/** Longest reply body kept for the log line of a refusal. */
const MAX_BODY_IN_LOG = 1024;

/**
 * External HTTP authorization (`authMethod: http`), as MediaMTX does it: every request that is
 * not excluded, including a first request without credentials, is POSTed as JSON to the
 * authorizer; any 2xx allows it. A refusal of a request without credentials becomes a challenge
 * so the client retries with some. An unreachable or slow authorizer denies, with a log line.
 */
export class HttpAuthenticator implements Authenticator {
  readonly #opts: HttpAuthenticatorOptions;

  constructor(opts: HttpAuthenticatorOptions) {
    this.#opts = opts;
  }

  async check(req: AuthRequest): Promise<AuthResult> {
    let creds: RequestCredentials;
    try {
      creds = requestCredentials(req);
    } catch {
      return { kind: "denied", reason: "unreadable Authorization header" };
    }
    if (allows(this.#opts.exclude, req.action, req.path)) return { kind: "ok", user: creds.user };
    const media = req.action === "publish" || req.action === "read" || req.action === "playback";
    // MediaMTX's key order; `id` is null when the asker has no UUID.
    const body = JSON.stringify({
      ip: req.ip,
      user: creds.user,
      password: creds.password,
      token: creds.token,
      action: req.action,
      path: media ? req.path : "",
      protocol: media ? (req.protocol ?? "rtsp") : "",
      id: req.id ?? null,
      query: req.query ?? "",
      userAgent: req.userAgent ?? "",
    });
    let reason: string;
    try {
      const res = await fetch(this.#opts.address, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body,
        signal: AbortSignal.timeout(this.#opts.timeoutMs),
      });
      const text = await readSome(res);
      if (res.status >= 200 && res.status < 300) return { kind: "ok", user: creds.user };
      reason = `server replied with code ${res.status}: ${text}`;
    } catch (e) {
      reason = `HTTP request failed: ${describeFetchError(e, this.#opts.address)}`;
      this.#opts.log?.warn(`[auth] ${reason}`);
    }
    if (!hasCredentials(creds)) return { kind: "challenge" };
    return { kind: "denied", reason };
  }

  challenges(nonce: string): string[] {
    return challengesFor(this.#opts.methods, nonce);
  }
}

/** The start of a reply body, without keeping a huge one in memory. */
async function readSome(res: Response): Promise<string> {
  if (res.body === null) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_BODY_IN_LOG) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all.subarray(0, MAX_BODY_IN_LOG)).trim();
}

/** A fetch failure as one line, without the authorizer's userinfo. */
export function describeFetchError(e: unknown, address: string): string {
  const err = e as Error;
  const text = err?.name === "TimeoutError" ? "timed out" : String(err?.message ?? e);
  return text.split(address).join(redactAddress(address));
}
