/**
 * `WWW-Authenticate` header (RFC 2326 §12.44, RFC 7617 Basic, RFC 7616 Digest), one challenge
 * per header line: `Basic realm="ipcam"`, `Digest realm="ipcam", nonce="…", algorithm="MD5"`.
 *
 * @module
 */
import { formatAuthParams, parseAuthParams, splitAuthMethod } from "./_auth_params.ts";

/** An authentication scheme RTSP peers use. */
export type AuthMethod = "Basic" | "Digest";

/** One challenge; `params` keys are lower-case (`realm`, `nonce`, `algorithm`, `opaque`, `stale`, `qop`). */
export interface Authenticate {
  method: AuthMethod;
  params: Record<string, string>;
}

// RFC 7616 §3.3: stale is a bare token (stale=TRUE). algorithm is quoted as MediaMTX and most
// cameras send it, which every client accepts.
const UNQUOTED: ReadonlySet<string> = new Set(["stale"]);

/** Parses one challenge; throws `SyntaxError("Cannot parse WWW-Authenticate header: …")`. */
export function parseAuthenticate(value: string): Authenticate {
  const split = splitAuthMethod(value);
  if (split === undefined) {
    throw new SyntaxError(`Cannot parse WWW-Authenticate header: unsupported method in "${clip(value)}"`);
  }
  try {
    return { method: split.method, params: parseAuthParams(split.rest) };
  } catch (e) {
    throw new SyntaxError(`Cannot parse WWW-Authenticate header: ${(e as Error).message}`);
  }
}

/** Formats a challenge, e.g. `Digest realm="ipcam", nonce="…", algorithm="MD5"`. */
export function formatAuthenticate(a: Authenticate): string {
  const params = formatAuthParams(a.params, UNQUOTED);
  return params === "" ? a.method : `${a.method} ${params}`;
}

function clip(v: string): string {
  return v.length > 60 ? `${v.slice(0, 60)}…` : v;
}
