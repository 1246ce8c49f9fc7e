import { parseAuthorization } from "../wire/rtsp/headers/mod.ts";
import type { Authorization } from "../wire/rtsp/headers/mod.ts";
import type { AuthUser } from "./auth_user.ts";
import { allows } from "./auth_user.ts";
import { credentialMatches, digestMatches, digestResponse } from "./credentials.ts";
import type { Authenticator, AuthRequest, AuthResult } from "./authenticator.ts";
import { challengesFor, REALM } from "./authenticator.ts";
import { IpList } from "./ip_list.ts";

interface CompiledUser extends AuthUser {
  allowedIps: IpList | undefined;
}

/**
 * Internal authentication (`authMethod: internal`): the first user whose IPs and permissions
 * fit the request and whose credentials match (or who is `any`) lets it through.
 */
export class InternalAuthenticator implements Authenticator {
  readonly #users: CompiledUser[];
  readonly #methods: readonly ("basic" | "digest")[];

  constructor(users: readonly AuthUser[], methods: readonly ("basic" | "digest")[]) {
    this.#users = users.map((u) => ({
      ...u,
      allowedIps: u.ips.length === 0 ? undefined : new IpList(u.ips),
    }));
    this.#methods = methods;
  }

  async check(req: AuthRequest): Promise<AuthResult> {
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
      if (u.allowedIps !== undefined && !u.allowedIps.has(req.ip)) continue;
      if (!allows(u.permissions, req.action, req.path)) continue;
      if (u.user === "any") return { kind: "ok", user: "" };
      if (creds !== undefined && await this.#matches(u, creds, req)) {
        return { kind: "ok", user: userOf(creds) };
      }
    }
    if (creds === undefined) return { kind: "challenge" };
    return { kind: "denied", reason: `authentication failed for user '${userOf(creds)}'` };
  }

  async #matches(u: AuthUser, creds: Authorization, req: AuthRequest): Promise<boolean> {
    if (creds.method === "Basic") {
      return await credentialMatches(u.user, creds.user) && await credentialMatches(u.pass, creds.password);
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

  challenges(nonce: string): string[] {
    return challengesFor(this.#methods, nonce);
  }
}

function userOf(creds: Authorization): string {
  return creds.method === "Basic" ? creds.user : (creds.params.username ?? "");
}
