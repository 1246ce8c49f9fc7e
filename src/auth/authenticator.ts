import { BlockList, isIP } from "node:net";
import { parseAuthorization } from "../wire/rtsp/headers/authorization.ts";
import type { Authorization } from "../wire/rtsp/headers/authorization.ts";
import { formatAuthenticate } from "../wire/rtsp/headers/authenticate.ts";
import type { AuthAction, AuthUser } from "./auth_user.ts";
import { allows } from "./auth_user.ts";
import { credentialMatches, digestMatches, digestResponse } from "./credentials.ts";

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
}

/**
 * `ok`; `challenge` (no credentials: answer 401 with WWW-Authenticate, keep the connection);
 * `denied` (wrong credentials: 401, then close, as MediaMTX does).
 */
export type AuthResult = { kind: "ok"; user: string } | { kind: "challenge" } | {
  kind: "denied";
  reason: string;
};

interface CompiledUser extends AuthUser {
  allowedIps: BlockList | undefined;
}

/**
 * Internal authentication (`authMethod: internal`): the first user whose IPs and permissions
 * fit the request and whose credentials match (or who is `any`) lets it through.
 */
export class Authenticator {
  readonly #users: CompiledUser[];
  readonly #methods: readonly ("basic" | "digest")[];

  constructor(users: readonly AuthUser[], methods: readonly ("basic" | "digest")[]) {
    this.#users = users.map((u) => ({ ...u, allowedIps: compileIps(u.ips) }));
    this.#methods = methods;
  }

  /** Decides one request. */
  check(req: AuthRequest): AuthResult {
    let creds: Authorization | undefined;
    if (req.authorization !== undefined) {
      try {
        creds = parseAuthorization(req.authorization);
      } catch {
        return { kind: "denied", reason: "unreadable Authorization header" };
      }
      if (creds.method === "Basic" && !this.#methods.includes("basic")) {
        return { kind: "denied", reason: "Basic authentication is disabled" };
      }
      if (creds.method === "Digest" && !this.#methods.includes("digest")) {
        return { kind: "denied", reason: "Digest authentication is disabled" };
      }
    }
    for (const u of this.#users) {
      if (u.allowedIps !== undefined && !ipAllowed(u.allowedIps, req.ip)) continue;
      if (!allows(u.permissions, req.action, req.path)) continue;
      if (u.user === "any") return { kind: "ok", user: "" };
      if (creds !== undefined && this.#matches(u, creds, req)) return { kind: "ok", user: userOf(creds) };
    }
    if (creds === undefined) return { kind: "challenge" };
    return { kind: "denied", reason: `authentication failed for user '${userOf(creds)}'` };
  }

  #matches(u: AuthUser, creds: Authorization, req: AuthRequest): boolean {
    if (creds.method === "Basic") {
      return credentialMatches(u.user, creds.user) && credentialMatches(u.pass, creds.password);
    }
    const p = creds.params;
    // Digest needs the clear password; hashed users can only log in with Basic.
    if (u.user.includes(":") || u.pass.startsWith("sha256:") || u.pass.startsWith("argon2:")) return false;
    if (p.username !== u.user || p.realm !== REALM || p.nonce !== req.nonce || p.uri === undefined) {
      return false;
    }
    const expected = digestResponse({
      user: u.user,
      realm: REALM,
      pass: u.pass,
      nonce: req.nonce,
      method: req.method,
      uri: p.uri,
      algorithm: p.algorithm,
    });
    return digestMatches(expected, p.response);
  }

  /** `WWW-Authenticate` values for a challenge on a connection with `nonce`. */
  challenges(nonce: string): string[] {
    return this.#methods.map((m) =>
      m === "basic"
        ? formatAuthenticate({ method: "Basic", params: { realm: REALM } })
        : formatAuthenticate({ method: "Digest", params: { realm: REALM, nonce, algorithm: "MD5" } })
    );
  }
}

function userOf(creds: Authorization): string {
  return creds.method === "Basic" ? creds.user : (creds.params.username ?? "");
}

function compileIps(ips: readonly string[]): BlockList | undefined {
  if (ips.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of ips) {
    const [addr, prefix] = entry.split("/");
    const family = isIP(addr) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(addr, family);
    else list.addSubnet(addr, Number(prefix), family);
  }
  return list;
}

function ipAllowed(list: BlockList, ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const addr = mapped ?? ip;
  return list.check(addr, isIP(addr) === 6 ? "ipv6" : "ipv4");
}
