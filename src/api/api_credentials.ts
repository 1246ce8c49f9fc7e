/**
 * Credentials and client address of an HTTP request to the control API, as MediaMTX reads them:
 * `Authorization: Bearer user:pass` (exactly one colon) is a user and password, any other Bearer
 * value is a token (a JWT), and `Basic` is a user and password.
 */
import { BlockList, isIP } from "node:net";

/** What the request carries; any part may be "". */
export interface ApiCredentials {
  user: string;
  pass: string;
  token: string;
}

/** Reads `Authorization`. A missing, unknown or unreadable header yields empty credentials. */
export function apiCredentials(authorization: string | null): ApiCredentials {
  const none = { user: "", pass: "", token: "" };
  if (authorization === null) return none;
  const m = /^(\S+)\s+(.*)$/.exec(authorization.trim());
  if (m === null) return none;
  const scheme = m[1].toLowerCase();
  const value = m[2].trim();
  if (scheme === "bearer") {
    const parts = value.split(":");
    if (parts.length === 2) return { user: parts[0], pass: parts[1], token: "" };
    return { ...none, token: value };
  }
  if (scheme === "basic") {
    let text: string;
    try {
      text = new TextDecoder().decode(Uint8Array.from(atob(value), (c) => c.charCodeAt(0)));
    } catch {
      return none;
    }
    const colon = text.indexOf(":");
    if (colon < 0) return none;
    return { user: text.slice(0, colon), pass: text.slice(colon + 1), token: "" };
  }
  return none;
}

/** Whether anything was supplied (else a refusal is a challenge, answered without delay). */
export function hasApiCredentials(c: ApiCredentials): boolean {
  return c.user !== "" || c.pass !== "" || c.token !== "";
}

/**
 * The credentials as a Basic `Authorization` value for the shared Authenticator: a token travels
 * as the password of an empty user (JWT authentication reads the Basic password as the token).
 */
export function basicAuthorization(c: ApiCredentials): string | undefined {
  if (!hasApiCredentials(c)) return undefined;
  const pass = c.token !== "" ? c.token : c.pass;
  const user = c.token !== "" ? "" : c.user;
  const bytes = new TextEncoder().encode(`${user}:${pass}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/** A compiled `apiTrustedProxies` list. */
export class TrustedProxies {
  readonly #list: BlockList | undefined;

  constructor(entries: readonly string[]) {
    if (entries.length === 0) return;
    this.#list = new BlockList();
    for (const entry of entries) {
      const [addr, prefix] = entry.split("/");
      const family = isIP(addr) === 6 ? "ipv6" : "ipv4";
      if (prefix === undefined) this.#list.addAddress(addr, family);
      else this.#list.addSubnet(addr, Number(prefix), family);
    }
  }

  /**
   * The client IP: the first `X-Forwarded-For` entry when the peer is a trusted proxy,
   * else the peer's address.
   */
  clientIp(peer: string, forwardedFor: string | null): string {
    if (this.#list === undefined || forwardedFor === null) return peer;
    const addr = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(peer)?.[1] ?? peer;
    const family = isIP(addr);
    if (family === 0 || !this.#list.check(addr, family === 6 ? "ipv6" : "ipv4")) return peer;
    const first = forwardedFor.split(",")[0].trim();
    return isIP(first) !== 0 ? first : peer;
  }
}
