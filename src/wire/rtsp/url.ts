/**
 * RTSP URLs (RFC 2326 §3.2), parsed by hand rather than with WHATWG `URL`, which treats
 * `rtsp:` as a non-special scheme and would normalise or reject things cameras really send.
 *
 * @module
 */

/** The parts of an `rtsp://` (or `rtsps://`, `rtsp+http://` …) URL. */
export interface RtspUrl {
  /** Lower-cased scheme: rtsp, rtsps, rtspt, rtspu, rtsp+http, rtsps+http, rtsp+ws, rtsps+ws … */
  scheme: string;
  /** Percent-decoded user name, when the URL carries credentials. */
  user?: string;
  /** Percent-decoded password. */
  password?: string;
  /** Host name or address, without the `[]` around IPv6 literals. */
  host: string;
  port?: number;
  /** Starts with "/" or is ""; percent-encoding is kept as sent. */
  path: string;
  /** Text after "?", without it; "" when there is none. */
  query: string;
}

const SCHEME_RE = /^[a-z][a-z0-9+.-]*$/;

/** Parses an absolute RTSP URL; throws `SyntaxError("Cannot parse RTSP URL: …")`. */
export function parseRtspUrl(raw: string): RtspUrl {
  const fail = (why: string): never => {
    throw new SyntaxError(`Cannot parse RTSP URL: ${why} in "${raw.slice(0, 200)}"`);
  };
  // Request-URIs travel on a space-separated request line, so whitespace or controls are never
  // part of a valid one.
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x20\x7f]/.test(raw)) fail("whitespace or control character");
  const sep = raw.indexOf("://");
  if (sep <= 0) fail("missing scheme");
  const scheme = raw.slice(0, sep).toLowerCase();
  if (!SCHEME_RE.test(scheme)) fail(`invalid scheme "${scheme}"`);

  const rest = raw.slice(sep + 3);
  // Fragments are not special: RTSP servers never see them, and keeping "#" in the path or query
  // makes formatting round-trip what a client sent.
  let authEnd = rest.search(/[/?]/);
  if (authEnd < 0) authEnd = rest.length;
  const authority = rest.slice(0, authEnd);
  const tail = rest.slice(authEnd);

  // The last "@" ends the userinfo, so a password with a raw "@" (users paste them) still parses.
  const at = authority.lastIndexOf("@");
  let user: string | undefined;
  let password: string | undefined;
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(":");
    user = decode(colon < 0 ? userinfo : userinfo.slice(0, colon), fail);
    if (colon >= 0) password = decode(userinfo.slice(colon + 1), fail);
  }
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;

  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    if (close < 0) fail("unterminated IPv6 literal");
    host = hostPort.slice(1, close);
    if (!/^[0-9A-Fa-f:.]+(%[\w.~-]+)?$/.test(host) || !host.includes(":")) {
      fail(`invalid IPv6 literal "${host}"`);
    }
    const after = hostPort.slice(close + 1);
    if (after !== "" && !after.startsWith(":")) fail("garbage after IPv6 literal");
    if (after !== "") portText = after.slice(1);
  } else {
    const colon = hostPort.indexOf(":");
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    if (colon >= 0) portText = hostPort.slice(colon + 1);
    if (/[[\]@:]/.test(host)) fail(`invalid host "${host}"`);
  }
  if (host === "") fail("missing host");

  let port: number | undefined;
  // "host:" with an empty port means the default, as in RFC 3986 §3.2.3.
  if (portText !== undefined && portText !== "") {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) fail(`invalid port "${portText}"`);
    port = Number(portText);
  }

  const q = tail.indexOf("?");
  const path = q < 0 ? tail : tail.slice(0, q);
  const query = q < 0 ? "" : tail.slice(q + 1);

  const url: RtspUrl = { scheme, host, path, query };
  if (user !== undefined) url.user = user;
  if (password !== undefined) url.password = password;
  if (port !== undefined) url.port = port;
  return url;
}

/** Formats an `RtspUrl` back to text, percent-encoding credentials and bracketing IPv6 hosts. */
export function formatRtspUrl(u: RtspUrl): string {
  let out = `${u.scheme}://`;
  if (u.user !== undefined) {
    out += encodeURIComponent(u.user);
    if (u.password !== undefined) out += `:${encodeURIComponent(u.password)}`;
    out += "@";
  }
  out += u.host.includes(":") ? `[${u.host}]` : u.host;
  if (u.port !== undefined) out += `:${u.port}`;
  out += u.path;
  if (u.query !== "") out += `?${u.query}`;
  return out;
}

/**
 * The port a client connects to when the URL has none (RFC 2326 §3.2: 554; RTSPS: 322).
 * Tunnel schemes keep the RTSP port: `rtsp+http://host/x` goes to 554, not 80.
 */
export function defaultPortOf(scheme: string): number | undefined {
  const s = scheme.toLowerCase();
  if (s === "rtsps" || s.startsWith("rtsps+")) return 322;
  if (s === "rtsp" || s === "rtspt" || s === "rtspu" || s === "rtsph" || s.startsWith("rtsp+")) {
    return 554;
  }
  return undefined;
}

function decode(text: string, fail: (why: string) => never): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(`invalid percent-encoding in credentials`);
  }
}
