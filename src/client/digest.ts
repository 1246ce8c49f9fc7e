/**
 * Client credentials for RTSP: Basic (RFC 7617) and Digest with MD5 or SHA-256 (RFC 2617,
 * RFC 7616), answering the `WWW-Authenticate` challenges of a `401` with the user and password
 * of the URL (`rtsp://user:pass@host/path`).
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { type Authenticate, parseAuthenticate } from "../wire/rtsp/headers/mod.ts";
import { formatAuthorization } from "../wire/rtsp/headers/mod.ts";
import {
  challengeAlgorithm,
  type DigestAlgorithm,
  type DigestInput,
  digestResponse,
} from "../wire/rtsp/mod.ts";

export { challengeAlgorithm, type DigestAlgorithm, type DigestInput, digestResponse };

/**
 * Answers challenges with a user and password. Built from a `401` by `fromChallenges`, then asked
 * for an `Authorization` value for every later request (the nonce stays valid for the connection,
 * as MediaMTX and cameras expect, so the client does not pay a 401 per request).
 */
export class ClientCredentials {
  readonly #user: string;
  readonly #password: string;
  readonly #challenge: Authenticate;
  readonly #algorithm: DigestAlgorithm | undefined;
  #nonceCount = 0;

  private constructor(user: string, password: string, challenge: Authenticate, algorithm?: DigestAlgorithm) {
    this.#user = user;
    this.#password = password;
    this.#challenge = challenge;
    this.#algorithm = algorithm;
  }

  /**
   * Picks the strongest challenge among `WWW-Authenticate` values: Digest SHA-256, then Digest
   * MD5, then Basic (gortsplib's order; gortsplib's client). Undefined when none is usable.
   */
  static fromChallenges(
    user: string,
    password: string,
    values: readonly string[],
  ): ClientCredentials | undefined {
    let best: { rank: number; challenge: Authenticate; algorithm?: DigestAlgorithm } | undefined;
    for (const value of values) {
      let challenge: Authenticate;
      try {
        challenge = parseAuthenticate(value);
      } catch {
        continue; // NTLM, Bearer or garbage: another line may still be usable
      }
      let rank = 0;
      let algorithm: DigestAlgorithm | undefined;
      if (challenge.method === "Digest") {
        algorithm = challengeAlgorithm(challenge.params);
        if (algorithm === undefined || challenge.params["nonce"] === undefined) continue;
        // qop without "auth" (auth-int only) cannot be answered without hashing the body.
        if (challenge.params["qop"] !== undefined && !offersAuthQop(challenge.params["qop"])) continue;
        rank = algorithm.startsWith("SHA-256") ? 2 : 1;
      }
      if (best === undefined || rank > best.rank) best = { rank, challenge, algorithm };
    }
    return best === undefined
      ? undefined
      : new ClientCredentials(user, password, best.challenge, best.algorithm);
  }

  /** `Basic` or `Digest`. */
  get method(): "Basic" | "Digest" {
    return this.#challenge.method;
  }

  /** Digest algorithm in use, undefined for Basic. */
  get algorithm(): DigestAlgorithm | undefined {
    return this.#algorithm;
  }

  /** The `Authorization` value for one request; `uri` is the Request-URI exactly as sent. */
  authorization(method: string, uri: string): string {
    if (this.#challenge.method === "Basic") {
      return formatAuthorization({ method: "Basic", user: this.#user, password: this.#password });
    }
    const c = this.#challenge.params;
    const algorithm = this.#algorithm ?? "MD5";
    const qop = c["qop"] !== undefined ? "auth" as const : undefined;
    const needsCnonce = qop !== undefined || algorithm.endsWith("-sess");
    const cnonce = needsCnonce ? randomBytes(16).toString("hex") : undefined;
    const nc = qop !== undefined ? (++this.#nonceCount).toString(16).padStart(8, "0") : undefined;
    const input: DigestInput = {
      algorithm,
      user: this.#user,
      password: this.#password,
      realm: c["realm"] ?? "",
      nonce: c["nonce"] ?? "",
      method,
      uri,
    };
    if (qop !== undefined) Object.assign(input, { qop, nc, cnonce });
    else if (cnonce !== undefined) input.cnonce = cnonce;
    const params: Record<string, string> = {
      username: this.#user,
      realm: input.realm,
      nonce: input.nonce,
      uri,
      response: digestResponse(input),
    };
    // Echo algorithm only when the server named it: some cameras reject an unexpected parameter.
    if (c["algorithm"] !== undefined) params["algorithm"] = algorithm;
    if (c["opaque"] !== undefined) params["opaque"] = c["opaque"];
    if (qop !== undefined) Object.assign(params, { qop, nc: nc!, cnonce: cnonce! });
    else if (cnonce !== undefined) params["cnonce"] = cnonce;
    return formatAuthorization({ method: "Digest", params });
  }
}

function offersAuthQop(qop: string): boolean {
  return qop.split(",").some((q) => q.trim().toLowerCase() === "auth");
}
