import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from "jose";
import type { JWTPayload } from "jose";
import type { Logger } from "../log/mod.ts";
import type { AuthAction, AuthPermission } from "./auth_user.ts";
import { allows } from "./auth_user.ts";
import type { Authenticator, AuthRequest, AuthResult } from "./authenticator.ts";
import { challengesFor } from "./authenticator.ts";
import { describeFetchError } from "./http_authenticator.ts";
import type { RequestCredentials } from "./request_credentials.ts";
import { hasCredentials, requestCredentials } from "./request_credentials.ts";

/** Options of `authMethod: jwt`. */
export interface JwtAuthenticatorOptions {
  /** `authJWTJWKS`: URL of the JSON Web Key Set. */
  jwksUrl: string;
  /** `authJWTClaimKey`: the claim holding `[{action, path}]`. */
  claimKey: string;
  /** `authJWTExclude`: requests matching these permissions are allowed without a token. */
  exclude: readonly AuthPermission[];
  /** `authJWTIssuer`, `authJWTAudience`: checked when not empty. */
  issuer: string;
  audience: string;
  /** Deadline of a JWKS fetch (MediaMTX uses readTimeout). */
  timeoutMs: number;
  /** `rtspAuthMethods`. */
  methods: readonly ("basic" | "digest")[];
  log?: Logger;
  /** Least time between two fetches caused by unknown key ids; 30 s by default. */
  refreshCooldownMs?: number;
}

/** A key set is fetched again after this long (MediaMTX: 1 h). */
const JWKS_MAX_AGE_MS = 60 * 60 * 1000;
/** A token with an unknown `kid` refetches the key set at most this often. */
const JWKS_COOLDOWN_MS = 30 * 1000;

const ACTIONS: readonly AuthAction[] = ["publish", "read", "playback", "api", "metrics", "pprof"];

/**
 * JWT authorization (`authMethod: jwt`), as MediaMTX does it: the token (the Basic password, or
 * `?token=` / `?jwt=`) must be signed by a key of the JWKS, be valid now (exp/nbf), match the
 * issuer and audience when configured, and grant the action on the path in its permissions claim.
 * The key set is cached and fetched again on an unknown `kid` (rate-limited) or when an hour old.
 */
export class JwtAuthenticator implements Authenticator {
  readonly #opts: JwtAuthenticatorOptions;
  #jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(opts: JwtAuthenticatorOptions) {
    this.#opts = opts;
    this.#jwks = this.#newKeySet();
  }

  #newKeySet(): ReturnType<typeof createRemoteJWKSet> {
    return createRemoteJWKSet(new URL(this.#opts.jwksUrl), {
      timeoutDuration: this.#opts.timeoutMs,
      cooldownDuration: this.#opts.refreshCooldownMs ?? JWKS_COOLDOWN_MS,
      cacheMaxAge: JWKS_MAX_AGE_MS,
    });
  }

  /** Forgets the cached key set: the next authentication fetches it again (`/v3/auth/jwks/refresh`). */
  refreshKeys(): void {
    this.#jwks = this.#newKeySet();
  }

  async check(req: AuthRequest): Promise<AuthResult> {
    let creds: RequestCredentials;
    try {
      creds = requestCredentials(req);
    } catch {
      return { kind: "denied", reason: "unreadable Authorization header" };
    }
    if (allows(this.#opts.exclude, req.action, req.path)) return { kind: "ok", user: creds.user };
    if (creds.token === "") {
      return hasCredentials(creds) ? { kind: "denied", reason: "JWT not provided" } : { kind: "challenge" };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(creds.token, this.#jwks, {
        issuer: this.#opts.issuer === "" ? undefined : this.#opts.issuer,
        audience: this.#opts.audience === "" ? undefined : this.#opts.audience,
      }));
    } catch (e) {
      return { kind: "denied", reason: this.#verifyError(e) };
    }
    let permissions: AuthPermission[];
    try {
      permissions = parsePermissionsClaim(payload[this.#opts.claimKey], this.#opts.claimKey);
    } catch (e) {
      return { kind: "denied", reason: (e as Error).message };
    }
    if (!allows(permissions, req.action, req.path)) {
      return { kind: "denied", reason: "user doesn't have permission to perform action" };
    }
    return { kind: "ok", user: typeof payload.sub === "string" ? payload.sub : "" };
  }

  /** One line for a failed verification; key-set fetch failures are also logged as warnings. */
  #verifyError(e: unknown): string {
    if (e instanceof joseErrors.JOSEError) {
      if (e instanceof joseErrors.JWKSTimeout || e instanceof joseErrors.JWKSInvalid) {
        const reason = `JWKS fetch failed: ${e.message}`;
        this.#opts.log?.warn(`[auth] ${reason}`);
        return reason;
      }
      return `invalid JWT: ${e.message}`;
    }
    // Network errors of the key-set fetch arrive as plain errors.
    const reason = `JWKS fetch failed: ${describeFetchError(e, this.#opts.jwksUrl)}`;
    this.#opts.log?.warn(`[auth] ${reason}`);
    return reason;
  }

  challenges(nonce: string): string[] {
    return challengesFor(this.#opts.methods, nonce);
  }
}

/**
 * The permissions claim: an array of `{action, path}`, or a string holding that JSON array
 * (Keycloak style). Decoding is strict, as in MediaMTX: an unknown key rejects the token.
 */
export function parsePermissionsClaim(value: unknown, key: string): AuthPermission[] {
  if (value === undefined) throw new Error(`claim '${key}' not found inside JWT`);
  let list = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch {
      throw new Error(`claim '${key}' is not a JSON array`);
    }
  }
  if (!Array.isArray(list)) throw new Error(`claim '${key}' is not an array`);
  return list.map((item) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new Error(`claim '${key}' holds a permission that is not an object`);
    }
    for (const k of Object.keys(item)) {
      if (k !== "action" && k !== "path") throw new Error(`claim '${key}': unknown field '${k}'`);
    }
    const { action, path = "" } = item as Record<string, unknown>;
    if (typeof action !== "string" || !ACTIONS.includes(action as AuthAction)) {
      throw new Error(`claim '${key}': invalid action ${JSON.stringify(action)}`);
    }
    if (typeof path !== "string") throw new Error(`claim '${key}': path must be a string`);
    return { action, path };
  });
}
