import { createHash, timingSafeEqual } from "node:crypto";
import { argon2Verify } from "hash-wasm";
import { challengeAlgorithm, digestResponse as wireDigestResponse } from "../wire/rtsp/mod.ts";

/** Compares two strings in constant time (for secrets). */
function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Whether a clear-text value sent by a client matches a configured one: plain text,
 * `sha256:<base64 of SHA-256(value)>`, or `argon2:<PHC string>` (`$argon2id$…` or `$argon2i$…`,
 * the encoding of the `argon2` command) as MediaMTX stores hashed credentials.
 */
export async function credentialMatches(configured: string, sent: string): Promise<boolean> {
  if (configured.startsWith("sha256:")) {
    return sameSecret(configured.slice(7), createHash("sha256").update(sent).digest("base64"));
  }
  if (configured.startsWith("argon2:")) return await argon2Matches(configured.slice(7), sent);
  return sameSecret(configured, sent);
}

/** Checks `sent` against an encoded argon2 hash; a malformed hash never matches. */
async function argon2Matches(encoded: string, sent: string): Promise<boolean> {
  // argon2d is not a password-hashing variant MediaMTX accepts.
  if (!encoded.startsWith("$argon2id$") && !encoded.startsWith("$argon2i$")) return false;
  try {
    return await argon2Verify({ password: sent, hash: encoded });
  } catch {
    return false;
  }
}

/**
 * The expected Digest `response` without qop, as RTSP clients compute it (RFC 2069 form,
 * used by MediaMTX): H(H(user:realm:pass):nonce:H(method:uri)).
 */
export function digestResponse(
  p: {
    user: string;
    realm: string;
    pass: string;
    nonce: string;
    method: string;
    uri: string;
    algorithm?: string;
  },
): string | undefined {
  // Without qop there is no cnonce, so the `-sess` variants cannot be answered.
  const algorithm = challengeAlgorithm({ algorithm: p.algorithm ?? "MD5" });
  if (algorithm !== "MD5" && algorithm !== "SHA-256") return undefined;
  return wireDigestResponse({ ...p, password: p.pass, algorithm });
}

/** Whether a Digest `response` sent by a client is right (constant-time comparison). */
export function digestMatches(expected: string | undefined, sent: string | undefined): boolean {
  return expected !== undefined && sent !== undefined && sameSecret(expected, sent.toLowerCase());
}
