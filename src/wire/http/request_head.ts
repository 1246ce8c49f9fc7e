/**
 * HTTP/1.x request heads (RFC 9112 §3): the incremental parser a tunnel-sniffing server reads
 * with, and the response head it answers with. Pure: no I/O.
 *
 * @module
 */
import type { RtspHeaders } from "../rtsp/headers.ts";
import {
  clip,
  DEFAULT_HTTP_HEAD_LIMITS,
  type HttpHeadLimits,
  IncrementalHeadParser,
  joinHead,
  splitHead,
} from "./_head.ts";

export { DEFAULT_HTTP_HEAD_LIMITS, type HttpHeadLimits } from "./_head.ts";

/** A parsed request line and its headers. */
export interface HttpRequestHead {
  method: string;
  /** Request target as sent: origin form (`/path?q`), absolute form, or `*`. */
  target: string;
  /** `HTTP/1.0` or `HTTP/1.1`. */
  version: string;
  headers: RtspHeaders;
}

/** A response head to format. */
export interface HttpResponseHeadInit {
  status: number;
  /** Reason phrase; the standard one for common codes when omitted. */
  reason?: string;
  headers?: Iterable<readonly [string, string]>;
  /** Defaults to `HTTP/1.1`. */
  version?: string;
}

// RFC 9112 §3: method SP request-target SP HTTP-version, single spaces, HTTP/1.x only.
const REQUEST_LINE_RE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (HTTP\/1\.[01])$/;

/** Parses a complete request head (text up to and including the blank line). */
export function parseRequestHead(
  text: string,
  limits: HttpHeadLimits = DEFAULT_HTTP_HEAD_LIMITS,
): HttpRequestHead {
  const { startLine, headers } = splitHead(text, limits);
  const m = REQUEST_LINE_RE.exec(startLine);
  if (m === null) throw new SyntaxError(`Cannot parse HTTP request line "${clip(startLine)}"`);
  return { method: m[1], target: m[2], version: m[3], headers };
}

/**
 * Incremental request head parser: `push()` chunks until it returns the head and the bytes that
 * followed it (the start of a body or of a tunnelled stream). Throws SyntaxError or RangeError.
 */
export class HttpRequestHeadParser extends IncrementalHeadParser<HttpRequestHead> {
  constructor(limits: HttpHeadLimits = DEFAULT_HTTP_HEAD_LIMITS) {
    super(limits.maxHeadBytes, (text) => parseRequestHead(text, limits));
  }
}

const REASONS: Record<number, string> = {
  101: "Switching Protocols",
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Formats a response status line and headers, ending in the blank line (no body). */
export function formatResponseHead(init: HttpResponseHeadInit): Uint8Array {
  if (!Number.isInteger(init.status) || init.status < 100 || init.status > 999) {
    throw new RangeError(`Cannot format HTTP response: invalid status ${init.status}`);
  }
  const reason = init.reason ?? REASONS[init.status] ?? "Unknown";
  if (/[\r\n]/.test(reason)) throw new RangeError("Cannot format HTTP response: line break in reason");
  return joinHead(`${init.version ?? "HTTP/1.1"} ${init.status} ${reason}`, init.headers ?? []);
}
