/**
 * Text-level parsing of a complete RTSP header block (start line + header lines), used by the
 * framer once it has found the blank line. Private to this folder.
 *
 * @module
 */
import { RtspHeaders } from "./headers.ts";
import { RtspError } from "./rtsp_error.ts";

/** Start line of a request or a response, plus headers. */
export type Head =
  | { kind: "request"; method: string; url: string; version: string; headers: RtspHeaders }
  | { kind: "response"; statusCode: number; reason: string; version: string; headers: RtspHeaders };

/** Outcome of parsing a head; `bodyBytes` is set whenever Content-Length was usable to skip. */
export type HeadResult =
  | { ok: true; head: Head; bodyBytes: number }
  | { ok: false; error: RtspError; bodyBytes?: number };

/** Limits the head parser enforces (subset of the framer limits). */
export interface HeadLimits {
  maxHeaderCount: number;
  maxBodyBytes: number;
}

// RFC 2326 §6.1 Request-Line; several spaces are tolerated between the three parts.
const REQUEST_LINE_RE = /^([A-Z_]+) +(\S+) +(RTSP\/\d+\.\d+)$/;
// RFC 2326 §7.1 Status-Line; some servers omit the reason phrase entirely.
const STATUS_LINE_RE = /^(RTSP\/\d+\.\d+) +(\d{3})(?: +(.*))?$/;
const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CONTENT_LENGTH_LINE_RE = /^content-length[ \t]*:[ \t]*(\d+)[ \t]*$/i;

/** Parses `text` (the header block, CRLF or LF-only line ends, blank line included). */
export function parseHead(text: string, limits: HeadLimits): HeadResult {
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const startLine = (lines.shift() ?? "").trim();

  const pairs: [string, string][] = [];
  let lineError: string | undefined;
  for (const line of lines) {
    if (line.startsWith(" ") || line.startsWith("\t")) {
      // RFC 2616 §2.2 folding (RFC 2326 §4.2 inherits it): a continuation of the previous value.
      const last = pairs[pairs.length - 1];
      if (last === undefined) lineError ??= "continuation line without a header";
      else last[1] = last[1] === "" ? line.trim() : `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    // Missing space after the colon, or spaces before it, are tolerated (several cameras).
    const name = colon < 0 ? "" : line.slice(0, colon).trim();
    if (!TOKEN_RE.test(name)) {
      lineError ??= `invalid header line "${clip(line)}"`;
      continue;
    }
    pairs.push([name, line.slice(colon + 1).trim()]);
  }

  const length = contentLength(pairs, limits.maxBodyBytes);
  const fail = (status: number, message: string): HeadResult =>
    length.skip === undefined
      ? { ok: false, error: new RtspError(status, message) }
      : { ok: false, error: new RtspError(status, message), bodyBytes: length.skip };

  let head: Head;
  const req = REQUEST_LINE_RE.exec(startLine);
  const res = req === null ? STATUS_LINE_RE.exec(startLine) : null;
  if (req !== null) {
    head = { kind: "request", method: req[1], url: req[2], version: req[3], headers: new RtspHeaders() };
  } else if (res !== null) {
    head = {
      kind: "response",
      version: res[1],
      statusCode: Number(res[2]),
      reason: (res[3] ?? "").trim(),
      headers: new RtspHeaders(),
    };
  } else {
    return fail(400, `invalid start line "${clip(startLine)}"`);
  }
  if (lineError !== undefined) return fail(400, lineError);
  if (pairs.length > limits.maxHeaderCount) {
    return fail(400, `too many headers (${pairs.length} > ${limits.maxHeaderCount})`);
  }
  if (length.error !== undefined) return fail(length.status, length.error);
  head.headers = new RtspHeaders(pairs);
  return { ok: true, head, bodyBytes: length.skip ?? 0 };
}

/** The Content-Length declared by one header line, if it is one (used while skipping a message). */
export function contentLengthOfLine(line: string): number | undefined {
  const m = CONTENT_LENGTH_LINE_RE.exec(line);
  if (m === null) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}

interface LengthCheck {
  /** Body bytes that follow the head and can be skipped, when known. */
  skip?: number;
  error?: string;
  status: number;
}

function contentLength(pairs: [string, string][], maxBodyBytes: number): LengthCheck {
  const values = pairs.filter(([k]) => k.toLowerCase() === "content-length").map(([, v]) => v);
  if (values.length === 0) return { skip: 0, status: 200 };
  // RFC 7230 §3.3.2 (same rule for RTSP): repeated values must agree, or the framing is unknown.
  if (!values.every((v) => /^\d+$/.test(v)) || new Set(values.map(Number)).size !== 1) {
    return { error: `invalid Content-Length "${clip(values.join(", "))}"`, status: 400 };
  }
  const n = Number(values[0]);
  if (!Number.isSafeInteger(n)) return { error: `invalid Content-Length "${clip(values[0])}"`, status: 413 };
  if (n > maxBodyBytes) {
    return { skip: n, error: `body too large (${n} > ${maxBodyBytes} bytes)`, status: 413 };
  }
  return { skip: n, status: 200 };
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
