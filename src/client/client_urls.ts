/**
 * URLs a client puts in its requests: the request URL without credentials, the base URL of a
 * described presentation, and per-media control URLs (RFC 2326 §C.1.1).
 *
 * @module
 */
import type { RtspHeaders } from "../wire/rtsp/mod.ts";
import { formatRtspUrl, parseRtspUrl, type RtspUrl } from "../wire/rtsp/mod.ts";
import { attributeValue } from "../wire/sdp/mod.ts";
import type { SessionDescription } from "../wire/sdp/mod.ts";

const ABSOLUTE_RE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The URL sent on the request line: credentials removed (they travel in `Authorization`), and a
 * tunnel scheme (`rtsp+http`, `rtsps+ws`) reduced to `rtsp`/`rtsps`, as gortsplib does (gortsplib's client).
 */
export function requestUrlOf(url: RtspUrl): string {
  const scheme = url.scheme.startsWith("rtsps") ? "rtsps" : "rtsp";
  return formatRtspUrl({ scheme, host: url.host, port: url.port, path: url.path, query: url.query });
}

/**
 * Resolves `ref` against `base`: absolute URLs are kept, `/path` replaces the path, anything else
 * replaces the last path segment (RFC 3986 §5.2 merge, enough for `Content-Base: stream/`).
 */
export function resolveUrl(base: string, ref: string): string {
  if (ABSOLUTE_RE.test(ref)) return ref;
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)([^?#]*)/i.exec(base);
  if (m === null) return ref;
  if (ref.startsWith("/")) return m[1] + ref;
  const path = m[2];
  return m[1] + path.slice(0, path.lastIndexOf("/") + 1) + ref;
}

/**
 * The base URL of a described presentation (gortsplib's client): an absolute session-level `a=control`, then
 * `Content-Base` (may be relative), then `Content-Location`, then the DESCRIBE request URL.
 */
export function describeBaseUrl(requestUrl: string, headers: RtspHeaders, sdp: SessionDescription): string {
  const control = attributeValue(sdp.attributes, "control")?.trim();
  if (control !== undefined && ABSOLUTE_RE.test(control)) return control;
  const header = headers.get("Content-Base") ?? headers.get("Content-Location");
  if (header !== undefined && header.trim() !== "") return resolveUrl(requestUrl, header.trim());
  return requestUrl;
}

/**
 * The URL of one media: an absolute control as is, `*` or no control means the base itself, and a
 * relative control is appended after a `/`. Plain concatenation, not RFC 3986 resolution, because
 * servers answer `Content-Base: rtsp://h/p` without the trailing slash and still mean
 * `rtsp://h/p/trackID=0`; with a query the control lands after it (`…?q/trackID=0`), which is
 * what ffmpeg and gortsplib send and what servers accept.
 */
export function controlUrl(baseUrl: string, control: string | undefined): string {
  const c = control?.trim() ?? "";
  if (c === "" || c === "*") return baseUrl;
  if (ABSOLUTE_RE.test(c)) return c;
  return baseUrl.endsWith("/") ? baseUrl + c.replace(/^\/+/, "") : `${baseUrl}/${c.replace(/^\/+/, "")}`;
}

/**
 * Where a 3xx `Location` leads (RFC 2326 §11.3: 301–305 on DESCRIBE). A downgrade from rtsps to rtsp
 * is refused; credentials follow only to the same host.
 */
export function redirectTarget(current: RtspUrl, location: string): RtspUrl {
  const next = parseRtspUrl(resolveUrl(requestUrlOf(current), location));
  if (current.scheme.startsWith("rtsps") && !next.scheme.startsWith("rtsps")) {
    throw new Error(`Refusing a redirect from ${current.scheme} to ${next.scheme}: ${location}`);
  }
  if (next.user === undefined && next.host === current.host && current.user !== undefined) {
    next.user = current.user;
    if (current.password !== undefined) next.password = current.password;
  }
  return next;
}
