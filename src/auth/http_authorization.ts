import { formatAuthorization } from "../wire/rtsp/headers/mod.ts";

/**
 * The `Authorization` header of an HTTP surface (metrics, API) in the form the authenticators
 * read, following MediaMTX: `Bearer user:pass` (exactly one colon) is a user and password, any
 * other `Bearer` value is a token (carried as a Basic password with an empty user, where the JWT
 * authenticator looks for it), and a readable `Basic` passes through. Anything else (no header,
 * another scheme, Basic that is not base64 of `user:pass`) carries no credentials, as Go's
 * `Request.BasicAuth` sees it: the request is then challenged, not delayed as a wrong password.
 */
export function httpAuthorization(header: string | null): string | undefined {
  if (header === null) return undefined;
  const match = /^(\S+)\s+(.*)$/.exec(header.trim());
  if (match === null) return undefined;
  const scheme = match[1].toLowerCase();
  const value = match[2].trim();
  if (scheme === "bearer") {
    const parts = value.split(":");
    if (parts.length === 2) {
      return formatAuthorization({ method: "Basic", user: parts[0], password: parts[1] });
    }
    return formatAuthorization({ method: "Basic", user: "", password: value });
  }
  if (scheme !== "basic") return undefined;
  let decoded: string;
  try {
    decoded = atob(value);
  } catch {
    return undefined;
  }
  return decoded.includes(":") ? `Basic ${value}` : undefined;
}
