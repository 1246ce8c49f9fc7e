/**
 * Answers an RTSP server's `401` from the browser: Digest (RFC 7616; MD5, or SHA-256 where
 * WebCrypto is available, i.e. on https:// and localhost pages) preferred over Basic (RFC 7617).
 * The nonce is reused for the connection's later requests, as RTSP clients do.
 *
 * @module
 */
import { type Authenticate, parseAuthenticate } from "../wire/rtsp/headers/authenticate.ts";
import { formatAuthorization } from "../wire/rtsp/headers/authorization.ts";
import { md5Hex } from "./md5.ts";

/** Credentials bound to one challenge. */
export class RtspAuth {
  readonly #user: string;
  readonly #pass: string;
  readonly #challenge: Authenticate;
  readonly #sha256: boolean;
  #nc = 0;

  private constructor(user: string, pass: string, challenge: Authenticate, sha256: boolean) {
    this.#user = user;
    this.#pass = pass;
    this.#challenge = challenge;
    this.#sha256 = sha256;
  }

  /** Picks the best usable challenge among `WWW-Authenticate` values; undefined when none is. */
  static fromChallenges(user: string, pass: string, values: readonly string[]): RtspAuth | undefined {
    const canSha256 = globalThis.crypto?.subtle !== undefined;
    let best: { rank: number; challenge: Authenticate; sha256: boolean } | undefined;
    for (const value of values) {
      let c: Authenticate;
      try {
        c = parseAuthenticate(value);
      } catch {
        continue;
      }
      let rank = 0;
      let sha256 = false;
      if (c.method === "Digest") {
        const algorithm = (c.params["algorithm"] ?? "MD5").toUpperCase();
        const qop = c.params["qop"];
        if (c.params["nonce"] === undefined) continue;
        if (qop !== undefined && !qop.split(",").some((q) => q.trim().toLowerCase() === "auth")) continue;
        if (algorithm === "MD5") rank = 1;
        else if (algorithm === "SHA-256" && canSha256) [rank, sha256] = [2, true];
        else continue;
      }
      if (best === undefined || rank > best.rank) best = { rank, challenge: c, sha256 };
    }
    return best && new RtspAuth(user, pass, best.challenge, best.sha256);
  }

  /** The `Authorization` value for one request. */
  async authorization(method: string, uri: string): Promise<string> {
    const c = this.#challenge;
    if (c.method === "Basic") {
      return formatAuthorization({ method: "Basic", user: this.#user, password: this.#pass });
    }
    const h = this.#sha256 ? sha256Hex : (text: string) => Promise.resolve(md5Hex(text));
    const realm = c.params["realm"] ?? "";
    const nonce = c.params["nonce"] ?? "";
    const ha1 = await h(`${this.#user}:${realm}:${this.#pass}`);
    const ha2 = await h(`${method}:${uri}`);
    const params: Record<string, string> = { username: this.#user, realm, nonce, uri, response: "" };
    if (c.params["qop"] !== undefined) {
      const nc = (++this.#nc).toString(16).padStart(8, "0");
      const cnonce = Array.from(
        crypto.getRandomValues(new Uint8Array(8)),
        (b) => b.toString(16).padStart(2, "0"),
      )
        .join("");
      params.response = await h(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
      Object.assign(params, { qop: "auth", nc, cnonce });
    } else {
      params.response = await h(`${ha1}:${nonce}:${ha2}`);
    }
    if (c.params["algorithm"] !== undefined) params["algorithm"] = this.#sha256 ? "SHA-256" : "MD5";
    if (c.params["opaque"] !== undefined) params["opaque"] = c.params["opaque"];
    return formatAuthorization({ method: "Digest", params });
  }
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
