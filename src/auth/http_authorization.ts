import { formatAuthorization } from "../wire/rtsp/headers/authorization.ts";

/**
 * The `Authorization` header of an HTTP surface (metrics, API) in the form the authenticators
 * read, following MediaMTX: `Bearer user:pass` (exactly one colon) is a user and password, any
 * other `Bearer` value is a token (carried as a Basic password with an empty user, where the JWT
 * authenticator looks for it), and `Basic` passes through. Anything else is left as it is (the
 * authenticator then refuses it as unreadable).
 */
export function httpAuthorization(header: string | null): string | undefined {
  if (header === null || header === "") return undefined;
  const match = /^Bearer\s+(.*)$/i.exec(header.trim());
  if (match === null) return header;
  const value = match[1];
  const parts = value.split(":");
  if (parts.length === 2) return formatAuthorization({ method: "Basic", user: parts[0], password: parts[1] });
  return formatAuthorization({ method: "Basic", user: "", password: value });
}

/**
 * The raw query handed to authenticators by HTTP surfaces: without `token` and `jwt`, since
 * MediaMTX reads JWTs from an HTTP query only under its deprecated `authJWTInHTTPQuery`.
 */
export function httpAuthQuery(rawQuery: string): string {
  if (rawQuery === "") return "";
  const kept = rawQuery.split("&").filter((part) => {
    const key = decodeURIComponentSafe(part.split("=")[0].replace(/\+/g, " "));
    return key !== "token" && key !== "jwt";
  });
  return kept.join("&");
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
