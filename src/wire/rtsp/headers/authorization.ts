/**
 * `Authorization` header (RFC 2326 §12.5): `Basic <base64 user:pass>` (RFC 7617) or
 * `Digest username="…", realm="…", nonce="…", uri="…", response="…"` (RFC 7616).
 *
 * @module
 */
import { formatAuthParams, parseAuthParams, splitAuthMethod } from "./_auth_params.ts";

/** Credentials sent by a client; Digest `params` keys are lower-case. */
export type Authorization =
  | { method: "Basic"; user: string; password: string }
  | { method: "Digest"; params: Record<string, string> };

// RFC 7616 §3.4: qop and nc are bare tokens. Everything else is quoted, algorithm included,
// since ffmpeg and VLC quote it too.
const UNQUOTED: ReadonlySet<string> = new Set(["qop", "nc"]);
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder();
const encoder = new TextEncoder();

/** Parses credentials; throws `SyntaxError("Cannot parse Authorization header: …")`. */
export function parseAuthorization(value: string): Authorization {
  const fail = (why: string): never => {
    throw new SyntaxError(`Cannot parse Authorization header: ${why}`);
  };
  const split = splitAuthMethod(value);
  if (split === undefined) return fail(`unsupported method in "${clip(value)}"`);
  if (split.method === "Basic") {
    if (!BASE64_RE.test(split.rest) || split.rest.length % 4 !== 0 || split.rest === "") {
      return fail("invalid Basic credentials");
    }
    const text = utf8.decode(Uint8Array.from(atob(split.rest), (c) => c.charCodeAt(0)));
    // RFC 7617 §2: the user name cannot contain ":", the password can.
    const colon = text.indexOf(":");
    if (colon < 0) return fail("Basic credentials without ':'");
    return { method: "Basic", user: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  try {
    return { method: "Digest", params: parseAuthParams(split.rest) };
  } catch (e) {
    return fail((e as Error).message);
  }
}

/** Formats credentials (`Basic dXNlcjpwYXNz` or `Digest username="…", …`). */
export function formatAuthorization(a: Authorization): string {
  if (a.method === "Basic") {
    if (a.user.includes(":")) throw new RangeError("Cannot format Authorization header: ':' in user");
    const bytes = encoder.encode(`${a.user}:${a.password}`);
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    return `Basic ${btoa(binary)}`;
  }
  return `Digest ${formatAuthParams(a.params, UNQUOTED)}`;
}

function clip(v: string): string {
  return v.length > 60 ? `${v.slice(0, 60)}…` : v;
}
