/**
 * HTTP Digest computation as RTSP uses it (RFC 2617, RFC 7616): the one implementation shared by
 * the client (answering a camera's challenge) and the server (checking a client's answer).
 *
 * @module
 */
import { createHash } from "node:crypto";

/** Digest hash algorithms an RTSP client meets (RFC 7616 §3.3; `-sess` variants included). */
export type DigestAlgorithm = "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess";

/** Inputs of one Digest computation (RFC 7616 §3.4.1). */
export interface DigestInput {
  algorithm: DigestAlgorithm;
  user: string;
  password: string;
  realm: string;
  nonce: string;
  method: string;
  uri: string;
  /** `auth` when the server offered qop; absent for the RFC 2069 form most cameras use. */
  qop?: "auth";
  /** Nonce count, 8 hex digits; required with qop. */
  nc?: string;
  /** Client nonce; required with qop and the `-sess` algorithms. */
  cnonce?: string;
}

const HASHES: Readonly<Record<DigestAlgorithm, "md5" | "sha256">> = {
  "MD5": "md5",
  "MD5-sess": "md5",
  "SHA-256": "sha256",
  "SHA-256-sess": "sha256",
};

/** The `response` value of a Digest `Authorization` (RFC 7616 §3.4.1, RFC 2617 §3.2.2.1). */
export function digestResponse(d: DigestInput): string {
  const h = (text: string) => createHash(HASHES[d.algorithm]).update(text, "utf8").digest("hex");
  let ha1 = h(`${d.user}:${d.realm}:${d.password}`);
  if (d.algorithm.endsWith("-sess")) {
    if (d.cnonce === undefined) throw new RangeError(`Cannot compute digest: ${d.algorithm} needs a cnonce`);
    ha1 = h(`${ha1}:${d.nonce}:${d.cnonce}`);
  }
  const ha2 = h(`${d.method}:${d.uri}`);
  if (d.qop === undefined) return h(`${ha1}:${d.nonce}:${ha2}`);
  if (d.nc === undefined || d.cnonce === undefined) {
    throw new RangeError("Cannot compute digest: qop needs nc and cnonce");
  }
  return h(`${ha1}:${d.nonce}:${d.nc}:${d.cnonce}:${d.qop}:${ha2}`);
}

/** The canonical algorithm of a challenge (absent means MD5, RFC 7616 §3.3), or undefined if unsupported. */
export function challengeAlgorithm(params: Record<string, string>): DigestAlgorithm | undefined {
  const raw = (params["algorithm"] ?? "MD5").toUpperCase();
  for (const a of Object.keys(HASHES) as DigestAlgorithm[]) if (a.toUpperCase() === raw) return a;
  return undefined;
}
