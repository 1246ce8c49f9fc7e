/**
 * HTTP/1.x response heads (RFC 9112 §4) for the client side of the tunnels: the request head a
 * tunnel client sends and the incremental parser it reads the answer with. Pure: no I/O.
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

/** A parsed status line and its headers. */
export interface HttpResponseHead {
  version: string;
  status: number;
  reason: string;
  headers: RtspHeaders;
}

/** A request head to format. */
export interface HttpRequestHeadInit {
  method: string;
  target: string;
  headers: Iterable<readonly [string, string]>;
  /** Defaults to `HTTP/1.1`. */
  version?: string;
}

// RFC 9112 §4: HTTP-version SP status-code SP [ reason-phrase ]; some servers drop the space too.
const STATUS_LINE_RE = /^(HTTP\/1\.[01]) (\d{3})(?: (.*))?$/;

/** Parses a complete response head (text up to and including the blank line). */
function parseResponseHead(
  text: string,
  limits: HttpHeadLimits = DEFAULT_HTTP_HEAD_LIMITS,
): HttpResponseHead {
  const { startLine, headers } = splitHead(text, limits);
  const m = STATUS_LINE_RE.exec(startLine);
  if (m === null) throw new SyntaxError(`Cannot parse HTTP status line "${clip(startLine)}"`);
  return { version: m[1], status: Number(m[2]), reason: m[3] ?? "", headers };
}

/** Incremental response head parser; returns the head and the bytes after it. */
export class HttpResponseHeadParser extends IncrementalHeadParser<HttpResponseHead> {
  constructor(limits: HttpHeadLimits = DEFAULT_HTTP_HEAD_LIMITS) {
    super(limits.maxHeadBytes, (text) => parseResponseHead(text, limits));
  }
}

/** Formats a request line and headers, ending in the blank line (no body). */
export function formatRequestHead(init: HttpRequestHeadInit): Uint8Array {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(init.method) || /[\s]/.test(init.target) || init.target === "") {
    throw new RangeError(`Cannot format HTTP request line "${clip(`${init.method} ${init.target}`)}"`);
  }
  return joinHead(`${init.method} ${init.target} ${init.version ?? "HTTP/1.1"}`, init.headers);
}
